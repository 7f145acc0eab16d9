/**
 * `npm run build` / `make build`: compiles every service to one JavaScript file,
 * `services/<name>/dist/main.js` (git-ignored), for `make up-prod` and the images.
 *
 * Why a bundle (esbuild) and not per-package `tsc` output: the workspace packages export their
 * TypeScript sources (`@hub/*` → `src/index.ts`), so `tsc` output would also need a second
 * `exports` condition in every package and a `--conditions` flag at run time; a bundle inlines
 * the `@hub/*` sources and the services' `./x.ts` imports with no change to any package. npm
 * dependencies are bundled too: loading one file instead of a few hundred modules (zod, nats.js,
 * ioredis, pg…) is what brings a service under 500 ms to serving (bench/startup.ts measured
 * ~20-40% faster than the same bundle with npm packages external), and an image then needs no
 * node_modules at all. Type checking stays with `npm run typecheck`; esbuild only strips types.
 *
 * Services are discovered (`services/* /src/main.ts`), so a new or reshaped service needs nothing here.
 * The web app's server (services/web) also serves its browser app: its build (SvelteKit + Vite →
 * `services/web/build/`, skipped when the sources did not change) is made with its bundle.
 * Usage: `tsx scripts/build.ts [name ...]` (default: every service).
 */
import { readFileSync, rmSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { buildWebApp, discoverServices, WEB_SERVICE } from '@hub/servers';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SERVICES = join(ROOT, 'services');
/** Optional native add-ons some dependencies try to load; never installed, left as runtime imports. */
const OPTIONAL_NATIVE = ['pg-native'];

/**
 * Keeps `import.meta.url` meaning "where this source file lives". Sources find files beside them
 * (`new URL('../migrations', import.meta.url)` in shared/store and in services); once bundled, every
 * module would otherwise see the bundle's URL. Each occurrence becomes the source file's URL
 * relative to the bundle, so the layout `services/<name>/dist/` + `shared/<pkg>/migrations/` works
 * wherever the tree is copied (the checkout, or `/app` in the image).
 */
function sourceRelativeImportMeta(outDir: string): Plugin {
  return {
    name: 'source-relative-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const text = readFileSync(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = relative(outDir, args.path).split(sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/**
 * zod re-exports every one of its ~45 locales (`z.locales`) from its entry, so a bundle carries
 * ~250 KB of messages in languages no service uses (15% of the source to compile at every start).
 * The services use the default English messages only: `z.locales` holds just `en`.
 */
function zodEnglishOnly(): Plugin {
  return {
    name: 'zod-english-only',
    setup(b) {
      b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
        /[\\/]zod[\\/]v4[\\/](classic|core)$/.test(args.resolveDir)
          ? { path: join(args.resolveDir, '..', 'locales', 'en.js'), namespace: 'zod-locales' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
        contents: `export { default as en } from ${JSON.stringify(args.path)};`,
        resolveDir: dirname(args.path),
        loader: 'js',
      }));
    },
  };
}

/** Container tools every service image carries (HEALTHCHECK, the stack's stream job): `dist/tools/<name>.js`. */
const TOOLS = ['healthcheck', 'ensure-streams'].map((n) => ({
  entry: join(ROOT, 'scripts', 'docker', `${n}.ts`),
  outfile: join(ROOT, 'dist', 'tools', `${n}.js`),
}));

/** Bundles one service; returns the output path. */
export async function buildService(name: string): Promise<string> {
  const outfile = join(SERVICES, name, 'dist', 'main.js');
  rmSync(dirname(outfile), { recursive: true, force: true });
  await bundle(join(SERVICES, name, 'src', 'main.ts'), outfile);
  if (name === WEB_SERVICE) {
    await buildWebApp({
      log: (_n, line) => {
        process.stderr.write(`    ${line}\n`);
      },
      progress: (m) => {
        process.stdout.write(`==> [build] ${m}\n`);
      },
    });
  }
  return outfile;
}

/** Bundles the container tools; returns their output paths. */
export async function buildTools(): Promise<string[]> {
  rmSync(join(ROOT, 'dist', 'tools'), { recursive: true, force: true });
  for (const t of TOOLS) await bundle(t.entry, t.outfile);
  return TOOLS.map((t) => t.outfile);
}

/** Bundles one entry file as a service bundle is built (also for test tools: tests/faults). */
export async function bundle(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Linked maps: stack traces can be mapped with `node --enable-source-maps` when needed, at no
    // start-up cost otherwise.
    sourcemap: 'linked',
    legalComments: 'none',
    // No comments or indentation: the source is held in memory as long as the process lives
    // (1.7 MB instead of 2.5), and ASCII keeps it a one-byte string (non-ASCII in the 2.5 MB made it
    // 5 MB of UTF-16) — together ~4 MB of idle RSS and less to compile at start.
    minifyWhitespace: true,
    charset: 'ascii',
    // Node 20 has no global `navigator`; pg then probes for Cloudflare with `new Response(...)`,
    // which loads undici (~25 ms of start-up and its heap). Node 21+ define it the same way.
    define: { navigator: '{"userAgent":"Node.js/20"}' },
    logLevel: 'warning',
    // pg's optional native binding is loaded inside a try by pg itself; it is not installed.
    external: OPTIONAL_NATIVE,
    // CommonJS dependencies (pg, ioredis, pino) call require() for Node's builtins; an ES module has
    // no require of its own, so the bundle gets one.
    banner: {
      js: "import { createRequire as __hubCreateRequire } from 'node:module'; const require = __hubCreateRequire(import.meta.url);",
    },
    plugins: [sourceRelativeImportMeta(dirname(outfile)), zodEnglishOnly()],
  });
}

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const all = discoverServices();
  const unknown = wanted.filter((n) => !all.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`build: no service named ${unknown.join(', ')} (services with src/main.ts: ${all.join(', ')})\n`);
    process.exit(2);
  }
  const t0 = Date.now();
  for (const name of wanted.length > 0 ? wanted : all) {
    const out = await buildService(name);
    process.stdout.write(`==> [build] ${name} → ${relative(ROOT, out)}\n`);
  }
  if (wanted.length === 0) for (const out of await buildTools()) process.stdout.write(`==> [build] tool → ${relative(ROOT, out)}\n`);
  process.stdout.write(`==> [build] done in ${Date.now() - t0} ms\n`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) await main();
