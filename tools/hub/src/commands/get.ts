/** `hub get <rid>`: a resource's current value. */
import { checkRid, withConnection, type Ctx } from '../context.ts';
import { printResource } from '../output.ts';

export async function get(ctx: Ctx, rid: string): Promise<void> {
  checkRid(rid);
  await withConnection(ctx, async (conn) => {
    printResource(ctx.out, await conn.request({ rid, action: 'read' }, (c) => c.get(rid)));
  });
}
