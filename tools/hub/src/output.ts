/**
 * What commands print. Results go to stdout, notes and errors to stderr. With `--json` every
 * result is one line of JSON (a watch: one JSON object per event), for scripts and `jq`;
 * without, it is laid out for reading.
 */
import type { Writable } from 'node:stream';
import { isCollection, plain, ridOf, type ResResource } from './resclient.ts';

export interface Output {
  readonly json: boolean;
  /** A result: compact JSON with --json, else `human` (default: indented JSON). */
  result(value: unknown, human?: string): void;
  /** A line for people on stderr (progress, hints); never mixed into a result. */
  note(line: string): void;
}

export function createOutput(json: boolean, out: Writable = process.stdout, err: Writable = process.stderr): Output {
  return {
    json,
    result(value, human) {
      out.write(`${json ? JSON.stringify(value ?? null) : (human ?? JSON.stringify(value ?? null, null, 2))}\n`);
    },
    note(line) {
      err.write(`${line}\n`);
    },
  };
}

/** One collection item for reading: `#<idx>  <rid>  <json>` (the RID only for a reference). */
export function itemLine(idx: number, item: unknown): string {
  const rid = ridOf(item);
  return `#${String(idx)}  ${rid === undefined ? '' : `${rid}  `}${JSON.stringify(plain(item))}`;
}

/** A resource for reading: a model as indented JSON, a collection one item per line. */
export function humanResource(r: ResResource): string {
  if (!isCollection(r)) return JSON.stringify(r.toJSON(), null, 2);
  const items = r.toArray();
  if (items.length === 0) return `(no items in ${r.getResourceId()})`;
  return items.map((v, i) => itemLine(i, v)).join('\n');
}

/** Prints a fetched resource. */
export function printResource(o: Output, r: ResResource): void {
  o.result(plain(r), humanResource(r));
}
