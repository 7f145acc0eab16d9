/** Between a model's values and the create/edit form's inputs (strings and booleans). */
import type { FieldSpec } from './descriptors/types.ts';

export type FormValues = Record<string, string | boolean>;

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    ),
  ];
}

/** Form inputs for a model's values (or empty ones for a new item). */
export function toForm(fields: readonly FieldSpec[], values: Readonly<Record<string, unknown>>): FormValues {
  const out: FormValues = {};
  for (const f of fields) {
    if (f.readOnly === true || f.kind === 'ref') continue;
    const v = values[f.key];
    if (f.kind === 'boolean') out[f.key] = v === undefined ? true : v === true;
    else if (f.kind === 'tags') out[f.key] = Array.isArray(v) ? v.map(String).join(', ') : '';
    else out[f.key] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  }
  return out;
}

function fromInput(f: FieldSpec, v: string | boolean): unknown {
  if (f.kind === 'boolean') return v === true;
  const s = String(v);
  if (f.kind === 'tags') return parseTags(s);
  if (f.kind === 'number') return s.trim() === '' ? undefined : Number(s);
  return s;
}

/** `create` parameters: every editable field; empty optional text left out (server defaults apply). */
export function createParams(fields: readonly FieldSpec[], form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = form[f.key];
    if (v === undefined) continue;
    const value = fromInput(f, v);
    if (value === undefined || (value === '' && f.required !== true)) continue;
    out[f.key] = value;
  }
  return out;
}

/** `set` parameters: only the fields the user changed compared to `base` (what the form started from). */
export function changedParams(fields: readonly FieldSpec[], base: FormValues, form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    const v = form[f.key];
    if (v === undefined || v === base[f.key]) continue;
    out[f.key] = fromInput(f, v);
  }
  return out;
}
