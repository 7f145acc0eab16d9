/**
 * `hub call <rid> <method> [json] [--field value ...]`: calls a method. A resource answer (e.g.
 * `create`) prints the new resource — with --json `{ "rid", "value" }` — and a payload answer
 * prints the payload (`null` for `set`/`delete`; "ok" for reading).
 */
import { checkRid, withConnection, type Ctx } from '../context.ts';
import { usage } from '../exit.ts';
import { humanResource } from '../output.ts';
import { callParams } from '../params.ts';
import { plain, ridOf, type ResResource } from '../resclient.ts';

const METHOD = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

export async function call(ctx: Ctx, rid: string, method: string, tokens: readonly string[]): Promise<void> {
  checkRid(rid);
  if (!METHOD.test(method)) throw usage(`"${method}" is not a method name`);
  const params = callParams(tokens);
  await withConnection(ctx, async (conn) => {
    const result = await conn.request({ rid, action: 'write', method }, (c) => c.call(rid, method, params));
    const newRid = ridOf(result);
    if (newRid !== undefined) {
      ctx.out.result({ rid: newRid, value: plain(result) }, `${newRid}\n${humanResource(result as ResResource)}`);
    } else {
      ctx.out.result(result ?? null, result === null || result === undefined ? 'ok' : undefined);
    }
  });
}
