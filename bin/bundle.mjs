#!/usr/bin/env node
// Bundles the CLI into dist/bundle/ with esbuild: one file per command (each `import()` in src/cli.ts is a
// split point) plus shared chunks, so that `evlab --help` loads commander and cli.js only, and a command
// loads its own code and the SDK clients it uses as a few files instead of hundreds of small modules.
// tsc still builds dist/ (the library exports `evlab` and `evlab/engine`, with their .d.ts files).
import { build } from 'esbuild';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// `--outdir DIR` builds elsewhere (test/cli/bundle.test.ts inspects a build of its own).
const outdirArg = process.argv.indexOf('--outdir');
const target = outdirArg > 0 ? resolve(process.argv[outdirArg + 1]) : `${root}dist/bundle`;
// Built beside and swapped in whole: a failed build leaves the previous bundle, never a mix of chunks.
const outdir = `${target}.new`;

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ESM builds first (the SDK v3's dist-es, jsonc-parser's lib/esm): esbuild then links named imports
  // statically, and no CommonJS module has to pass through a dynamic import() (which gives only `default`).
  mainFields: ['module', 'main'],
  conditions: ['module'],
  // CommonJS code still in the bundle calls require() for Node's built-ins; ESM has no require of its own.
  banner: { js: "import { createRequire as __evlabCreateRequire } from 'node:module'; const require = __evlabCreateRequire(import.meta.url);" },
  // Loaded at run time from node_modules: dynalite (LevelDB's native binding, found through createRequire),
  // and the package the engine links into a function's node_modules as AWS's runtimes preinstall it.
  external: ['dynalite', 'playwright-core'],
  entryNames: '[name]',
  chunkNames: 'chunks/[name]-[hash]',
  // Parsing is most of what --help costs: without whitespace and comments (commander's JSDoc is most of its
  // text) a cold start compiles about a third less. Names are kept, so stack traces stay readable.
  minifyWhitespace: true,
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
});

// With code splitting, a CommonJS package reached only through import() becomes a chunk whose one export is
// `default`: named access on the namespace (`(await import('yauzl')).fromBuffer`) finds nothing. Each such
// import goes through commonJsExports() (src/cjs-interop.ts) or reads `.default`; a new one must be checked.
const CHECKED_COMMONJS_IMPORTS = new Set(['yauzl', 'archiver']);
for (const [file, output] of Object.entries(result.metafile.outputs)) {
  if (!output.entryPoint?.includes('node_modules/') || output.exports.join() !== 'default') continue;
  const pkg = output.entryPoint.replace(/^.*node_modules\/((@[^/]+\/)?[^/]+).*$/, '$1');
  if (!CHECKED_COMMONJS_IMPORTS.has(pkg)) {
    rmSync(outdir, { recursive: true, force: true });
    throw new Error(`${file}: the CommonJS package ${pkg} is import()ed; read it through commonJsExports() (src/cjs-interop.ts), then add it to CHECKED_COMMONJS_IMPORTS in bin/bundle.mjs`);
  }
}

rmSync(target, { recursive: true, force: true });
renameSync(outdir, target);

// `node bin/bundle.mjs --metafile FILE`: what each output holds (esbuild's analyzer reads it), for trimming.
const metafileArg = process.argv.indexOf('--metafile');
if (metafileArg > 0) writeFileSync(process.argv[metafileArg + 1], JSON.stringify(result.metafile));

if (process.argv.includes('--analyze')) {
  const { analyzeMetafile } = await import('esbuild');
  process.stdout.write(await analyzeMetafile(result.metafile));
}
