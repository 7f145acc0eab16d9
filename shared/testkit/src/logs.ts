/**
 * A pino logger whose lines a test can read: for asserting what a service says (and how often)
 * about an outage, and that no secret ever reaches a log.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

export interface CapturedLog {
  readonly logger: Logger;
  /** Every line written so far, parsed (pino's JSON). */
  readonly lines: { readonly level: number; readonly msg?: string; readonly [k: string]: unknown }[];
  /** The raw text written so far. */
  text(): string;
  /** Lines whose `msg` contains `part`. */
  count(part: string): number;
}

/** @example const log = capturedLog(); createHubService(def, { logger: log.logger }); expect(log.count('waiting for')).toBe(1); */
export function capturedLog(level: pino.Level = 'info'): CapturedLog {
  const raw: string[] = [];
  const lines: CapturedLog['lines'] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      const text = chunk.toString();
      raw.push(text);
      for (const l of text.split('\n'))
        if (l.trim() !== '') {
          try {
            lines.push(JSON.parse(l) as CapturedLog['lines'][number]);
          } catch {
            lines.push({ level: 0, msg: l });
          }
        }
      done();
    },
  });
  return {
    logger: pino({ level }, sink),
    lines,
    text: () => raw.join(''),
    count: (part) => lines.filter((l) => typeof l.msg === 'string' && l.msg.includes(part)).length,
  };
}
