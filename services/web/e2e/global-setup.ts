/**
 * Playwright global setup: the platform (real servers on free ports, as the vitest global setup
 * starts them — same @hub/testkit code) plus the services with pages (customer, product, promotion),
 * identity, the audit service (its feed and history pages read the real trail) and the web app. Tests get the
 * URLs through the HUB_TEST_* variables (Playwright hands the environment to its workers), and a
 * small control endpoint (HUB_E2E_CONTROL_URL) to stop and start Resgate, which this process owns.
 */
import { createServer } from 'node:http';
import { startResgate, type RunningServer } from '@hub/servers';
import { startTestPlatform, TEST_RESGATE_TIMEOUT_MS, urlsToEnv } from '@hub/testkit/platform';

/**
 * Starts everything and sets the variables; resolves to the teardown.
 * With HUB_E2E_CONTROL_URL already set (e2e/serve.ts runs a platform to iterate against), uses that.
 */
export default async function globalSetup(): Promise<() => Promise<void>> {
  if (process.env.HUB_E2E_CONTROL_URL !== undefined && process.env.HUB_TEST_APP_URL !== undefined) return () => Promise.resolve();
  const t = await startTestPlatform({ services: ['identity', 'customer', 'product', 'promotion', 'audit', 'web'] });
  Object.assign(process.env, urlsToEnv(t.urls));
  let resgate: RunningServer | undefined = t.platform.servers.find((s) => s.name === 'resgate');
  const resgatePort = Number(new URL(t.urls.resgateHttpUrl).port);
  // POST /resgate/stop | /resgate/start: the reconnect test takes Resgate away and brings it back.
  const control = createServer((req, res) => {
    const done = (status: number, text: string) => {
      res.writeHead(status, { 'content-type': 'text/plain' }).end(text);
    };
    if (req.method !== 'POST') {
      done(405, 'POST only');
      return;
    }
    const action =
      req.url === '/resgate/stop'
        ? async () => {
            await resgate?.stop();
            resgate = undefined;
          }
        : req.url === '/resgate/start'
          ? async () => {
              resgate ??= await startResgate({
                port: resgatePort,
                natsUrl: t.urls.natsUrl,
                allowOrigin: t.urls.appUrl,
                requestTimeoutMs: TEST_RESGATE_TIMEOUT_MS,
                log: () => undefined,
              });
            }
          : undefined;
    if (action === undefined) {
      done(404, 'unknown');
      return;
    }
    action().then(
      () => {
        done(200, 'ok');
      },
      (err: unknown) => {
        done(500, String(err));
      },
    );
  });
  await new Promise<void>((resolve) => {
    control.listen(0, '127.0.0.1', resolve);
  });
  const addr = control.address();
  process.env.HUB_E2E_CONTROL_URL = `http://127.0.0.1:${String(typeof addr === 'object' && addr ? addr.port : 0)}`;
  return async () => {
    control.close();
    await resgate?.stop();
    await t.stop();
  };
}
