/**
 * Between a model's values and the create/edit form's inputs (strings and booleans): the form
 * holds what the inputs show (a price as "19.99", an instant as local "2026-12-24T09:30", a
 * reference as the referenced item's id), the call parameters what the service's schema takes.
 */
import type { FieldSpec } from './descriptors/types.ts';
import { fromDecimal, toDecimal } from './money.ts';
import { isModel } from './res.ts';

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

const pad = (n: number): string => String(n).padStart(2, '0');

/** An ISO instant as a datetime-local input's value, in the user's time zone. */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string' || iso === '') return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  return `${String(d.getFullYear())}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A datetime-local value as an ISO instant (null when empty; unparseable text as typed, for the server to name). */
export function fromLocalInput(text: string): string | null {
  if (text.trim() === '') return null;
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? text : d.toISOString();
}

/** The id of a referenced item: the last token of its RID (`product.product.7` → `7`). */
export function refId(v: unknown): string {
  if (isModel(v)) return v.getResourceId().split('.').at(-1) ?? '';
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

function editable(f: FieldSpec): boolean {
  return f.readOnly !== true;
}

/** Form inputs for a model's values (or empty ones for a new item). */
export function toForm(fields: readonly FieldSpec[], values: Readonly<Record<string, unknown>>): FormValues {
  const out: FormValues = {};
  for (const f of fields.filter(editable)) {
    const v = values[f.key];
    if (f.kind === 'boolean') out[f.key] = v === undefined ? true : v === true;
    else if (f.kind === 'tags') out[f.key] = Array.isArray(v) ? v.map(String).join(', ') : '';
    else if (f.kind === 'date') out[f.key] = toLocalInput(v);
    else if (f.kind === 'money') out[f.key] = toDecimal(v, values[f.currency ?? '']);
    else if (f.kind === 'ref') out[f.key] = refId(v);
    else if (f.kind === 'select') out[f.key] = typeof v === 'string' ? v : (f.options?.[0]?.value ?? '');
    else out[f.key] = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  }
  return out;
}

function fromInput(f: FieldSpec, v: string | boolean, form: FormValues): unknown {
  if (f.kind === 'boolean') return v === true;
  const s = String(v);
  if (f.kind === 'tags') return parseTags(s);
  if (f.kind === 'number') return s.trim() === '' ? undefined : /^-?\d+(\.\d+)?$/.test(s.trim()) ? Number(s) : s;
  if (f.kind === 'money') return fromDecimal(s, form[f.currency ?? '']);
  if (f.kind === 'date') return fromLocalInput(s);
  return s;
}

/** `create` parameters: every editable field; empty optional ones left out (server defaults apply). */
export function createParams(fields: readonly FieldSpec[], form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields.filter(editable)) {
    const v = form[f.key];
    if (v === undefined) continue;
    const value = fromInput(f, v, form);
    if (value === undefined || ((value === '' || value === null) && f.required !== true)) continue;
    out[f.key] = value;
  }
  return out;
}

/**
 * `set` parameters: only the fields the user changed compared to `base` (what the form started
 * from). A price goes along when its currency changed: its minor units depend on the currency.
 */
export function changedParams(fields: readonly FieldSpec[], base: FormValues, form: FormValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields.filter(editable)) {
    const v = form[f.key];
    if (v === undefined) continue;
    const currencyChanged = f.kind === 'money' && f.currency !== undefined && form[f.currency] !== base[f.currency];
    if (v === base[f.key] && !currencyChanged) continue;
    out[f.key] = fromInput(f, v, form);
  }
  return out;
}
