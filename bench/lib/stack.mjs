// The distance-counter stack that figures 2 and 3 deploy, copied to a temp folder so that the bench
// never edits (or leaves state in) the repository's own files.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, appendFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, extname } from 'node:path';
import { REPO } from './servers.mjs';

// The template is a complete project; etc/ is the repository's own demo. Either will do.
const CANDIDATES = ['templates/distance-counter/evlab.json', 'etc/evlab.json'];

export function findDemoStack() {
  for (const rel of CANDIDATES) {
    const file = join(REPO, rel);
    if (existsSync(file)) return { file, dir: dirname(file), rel };
  }
  throw new Error(`no distance-counter stack yet (looked for ${CANDIDATES.join(', ')})`);
}

/** Copies the stack's folder to a fresh temp folder; returns { file, dir, stack, cleanup() }. */
export function copyDemoStack() {
  const found = findDemoStack();
  const tmp = mkdtempSync(join(tmpdir(), 'evlab-bench-stack-'));
  const dir = join(tmp, 'stack');
  cpSync(found.dir, dir, {
    recursive: true,
    // Engine state, node_modules and tests of the template are not part of what setup deploys.
    filter: (src) => !/[\\/](\.evlab|node_modules|\.git)([\\/]|$)/.test(src),
  });
  const file = join(dir, found.file.slice(found.dir.length + 1));
  const stack = JSON.parse(readFileSync(file, 'utf8'));
  return { file, dir, stack, rel: found.rel, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** Appends a harmless comment to one source file of the stack's first function: "one changed file". */
export function changeOneFile(copy, marker) {
  const [name, fn] = Object.entries(copy.stack.functions ?? {})[0] ?? [];
  if (!fn) throw new Error('the stack has no function to change');
  const sourceDir = join(copy.dir, fn.source);
  const file = readdirSync(sourceDir)
    .filter((f) => ['.py', '.js', '.mjs', '.cjs', '.ts'].includes(extname(f)) && statSync(join(sourceDir, f)).isFile())
    .sort()[0];
  if (!file) throw new Error(`function ${name} has no source file in ${fn.source}`);
  appendFileSync(join(sourceDir, file), extname(file) === '.py' ? `\n# bench change ${marker}\n` : `\n// bench change ${marker}\n`);
  return { function: name, file: join(fn.source, file) };
}
