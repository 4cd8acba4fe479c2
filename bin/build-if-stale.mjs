#!/usr/bin/env node
// `npm run demo` builds only when dist/ is older than a source file: after `npm install` (whose
// `prepare` script built dist/) the demo starts at once instead of paying ~6 s of tsc.
// The build is `npm run build`'s: tsc into dist/, then the CLI bundle (bin/bundle.mjs) into dist/bundle/,
// which also holds the dependencies' code, so a changed lockfile or bundle script makes it stale too.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir, ext) {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, ext));
    else if (entry.name.endsWith(ext)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

function builtAt() {
  try {
    // The bundle is written last: older than a source means one of the two steps is behind.
    return statSync(join(root, 'dist', 'bundle', 'cli.js')).mtimeMs;
  } catch {
    return 0;
  }
}

const mtime = (file) => {
  try {
    return statSync(join(root, file)).mtimeMs;
  } catch {
    return 0;
  }
};
const sources = Math.max(newest(join(root, 'src'), '.ts'), mtime('tsconfig.json'), mtime('package-lock.json'), mtime('bin/bundle.mjs'));
if (builtAt() < sources) {
  process.stderr.write('building dist/ (sources changed since the last build)…\n');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'bin', 'bundle.mjs')], { stdio: 'inherit' });
}
