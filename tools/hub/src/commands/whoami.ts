/** `hub whoami`: who the gateway sees — the identity service's answer to our sign-in. */
import type { Ctx } from '../context.ts';
import { CliError, EXIT, HUB } from '../exit.ts';
import { tokenSource } from '../session.ts';
import { connect } from '../connection.ts';

export async function whoami(ctx: Ctx): Promise<void> {
  const tokens = tokenSource(ctx.settings);
  if (tokens === undefined) throw new CliError(`not signed in (no token set) — run \`${HUB} login\``, EXIT.denied);
  const conn = await connect({ url: ctx.settings.url, timeoutMs: ctx.settings.timeoutMs }, undefined);
  try {
    const token = await tokens.token();
    const me = (await conn.request({ rid: 'identity', action: 'write', method: 'login' }, (c) =>
      c.authenticate('identity', 'login', { token }),
    )) as {
      username?: string;
      roles?: string[];
      exp?: number;
    };
    const exp = me.exp === undefined ? '' : `, token valid until ${new Date(me.exp * 1000).toLocaleTimeString('en-GB', { hour12: false })}`;
    ctx.out.result(me, `${me.username ?? '?'} (roles: ${(me.roles ?? []).join(', ') || 'none'}${exp})`);
  } finally {
    conn.close();
  }
}
