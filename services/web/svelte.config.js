// SvelteKit: the browser app lives in app/ (src/ is the Node server, like every service's src/),
// built by adapter-node into build/ and served by src/main.ts. The page CSP is SvelteKit's (it
// hashes its own inline bootstrap script); app/hooks.server.ts adds the runtime Keycloak origin.
import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-node';

/** The style attribute of SvelteKit's `#svelte-announcer` (.svelte-kit/generated/root.svelte). */
const ANNOUNCER_STYLE = 'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';

/** @type {import('@sveltejs/kit').Config} */
export default {
  kit: {
    adapter: adapter({ out: process.env.WEB_BUILD_OUT ?? 'build', precompress: true }),
    files: { src: 'app', assets: 'static' },
    // One script for the whole app instead of a module graph the browser discovers level by level
    // (ssr is off, so the HTML shell cannot preload the route's modules): the first live data
    // comes sooner (bench/web.ts), and all of it is still well under the 200 KB budget.
    output: { bundleStrategy: 'single' },
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        // No inline styles, except SvelteKit's route announcer (a fixed style attribute in its root
        // component); 'unsafe-hashes' allows exactly that attribute value, nothing else.
        'style-src': ['self', 'unsafe-hashes', `sha256-${createHash('sha256').update(ANNOUNCER_STYLE).digest('base64')}`],
        // Pico draws its checkbox and select icons as data: SVGs.
        'img-src': ['self', 'data:'],
        'font-src': ['self'],
        // 'self' covers the WebSocket to Resgate on the same origin; Keycloak's origin is added at runtime.
        'connect-src': ['self'],
        'frame-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self'],
        'frame-ancestors': ['none'],
      },
    },
  },
};
