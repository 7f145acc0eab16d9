/**
 * One WebSocket connection to Resgate for a command: connects, signs in by calling
 * `auth.identity.login` with the access token (the identity service's method for WebSocket
 * clients; it answers who we are, and a refused token gets its own error instead of a refused
 * upgrade), signs in again on every reconnect, and — for long-lived commands — before the token
 * expires, so a `hub watch` outlives the 5-minute access tokens.
 */
import { CliError, EXIT } from './exit.ts';
import { explain, isErrorAnswer, type Attempt } from './explain.ts';
import { createResClient, type ResClient } from './resclient.ts';
import type { TokenSource } from './session.ts';

/** The identity service's RID for `authenticate` (sends `auth.identity.login`). */
const IDENTITY_RID = 'identity';

export interface Connection {
  readonly client: ResClient;
  /** The signed-in user's name, or undefined (anonymous). */
  readonly user: string | undefined;
  /** Runs a request within the timeout; an error it answers is explained for `attempt`. */
  request<T>(attempt: Omit<Attempt, 'user'>, run: (c: ResClient) => Promise<T>): Promise<T>;
  /** Refreshes the token before it expires and signs in again, for as long as the connection lives. */
  keepSignedIn(onError: (e: CliError) => void): void;
  close(): void;
}

export interface ConnectOptions {
  readonly url: string;
  readonly timeoutMs: number;
}

/** Rejects with `onTimeout()` when `p` takes longer than `ms`. */
export async function within<T>(p: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(onTimeout());
    }, ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

/** A failed WebSocket connection in words (ws reports the cause in the error event's message). */
function unreachable(url: string, e: unknown): CliError {
  const said = (e as { data?: { message?: unknown } } | undefined)?.data?.message;
  const cause = typeof said === 'string' ? said : 'connection failed';
  const status = /Unexpected server response: (\d+)/.exec(cause)?.[1];
  if (status === '429')
    return new CliError(`unavailable: the gateway at ${url} is rate limiting this client — try again shortly`, EXIT.unavailable);
  if (status === '401' || status === '403')
    return new CliError(`not allowed: the gateway at ${url} refused the connection (${status})`, EXIT.denied);
  const hint = status === undefined ? ' — is `make up` running? Set --url or HUB_URL' : ` (is ${url} Resgate's WebSocket?)`;
  return new CliError(`unavailable: cannot connect to ${url} (${cause})${hint}`, EXIT.unavailable);
}

function toCli(e: unknown, attempt: Attempt): Error {
  if (e instanceof CliError) return e;
  if (isErrorAnswer(e)) {
    if (e.code === 'system.disconnect' || e.code === 'system.connectionError') {
      return new CliError(`unavailable: the connection to the gateway was lost (${e.message})`, EXIT.unavailable, e.code);
    }
    return explain(e, attempt);
  }
  return e instanceof Error ? e : new Error(String(e));
}

async function signIn(client: ResClient, tokens: TokenSource, timeoutMs: number): Promise<void> {
  const token = await tokens.token();
  const attempt: Attempt = { rid: IDENTITY_RID, action: 'write', method: 'login', user: tokens.username };
  try {
    await within(client.authenticate(IDENTITY_RID, 'login', { token }), timeoutMs, () => slow(IDENTITY_RID, timeoutMs));
  } catch (e) {
    throw toCli(e, attempt);
  }
}

function slow(rid: string, ms: number): CliError {
  return new CliError(
    `unavailable: no answer for ${rid} within ${String(ms)} ms — try again, or raise --timeout`,
    EXIT.unavailable,
    'system.timeout',
  );
}

/** Connects to Resgate and signs in with `tokens` (none: anonymous). */
export async function connect(o: ConnectOptions, tokens: TokenSource | undefined): Promise<Connection> {
  const { client, hangUp } = createResClient(o.url);
  try {
    await within(
      client.connect(),
      o.timeoutMs,
      () => new CliError(`unavailable: ${o.url} did not answer within ${String(o.timeoutMs)} ms`, EXIT.unavailable),
    );
  } catch (e) {
    hangUp();
    throw e instanceof CliError ? e : unreachable(o.url, e);
  }
  try {
    if (tokens !== undefined) await signIn(client, tokens, o.timeoutMs);
  } catch (e) {
    hangUp();
    throw e;
  }
  let timer: NodeJS.Timeout | undefined;
  let onSignInError: ((e: CliError) => void) | undefined;
  // resclient calls this before it resubscribes after a reconnect: the new connection has no token yet.
  client.setOnConnect((c) => {
    if (tokens === undefined) return undefined;
    return signIn(c, tokens, o.timeoutMs).catch((e: unknown) => {
      onSignInError?.(e instanceof CliError ? e : new CliError(String(e), EXIT.error));
      throw e;
    });
  });
  return {
    client,
    user: tokens?.username,
    async request(attempt, run) {
      const a: Attempt = { ...attempt, user: tokens?.username };
      try {
        return await within(run(client), o.timeoutMs, () => slow(attempt.rid, o.timeoutMs));
      } catch (e) {
        throw toCli(e, a);
      }
    },
    keepSignedIn(onError) {
      onSignInError = onError;
      const schedule = (): void => {
        const due = tokens?.refreshDue();
        if (tokens === undefined || due === undefined) return;
        timer = setTimeout(
          () => {
            signIn(client, tokens, o.timeoutMs).then(schedule, (e: unknown) => {
              onError(e instanceof CliError ? e : new CliError(String(e), EXIT.error));
            });
          },
          Math.max(0, due - Date.now()),
        );
      };
      schedule();
    },
    close() {
      clearTimeout(timer);
      client.setOnConnect(null);
      hangUp();
    },
  };
}
