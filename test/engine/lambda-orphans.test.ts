import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requirePython3, waitFor } from '../fixtures/lambda/helpers.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/lambda/orphan-engine.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/engine/index.js', import.meta.url));

/** Alive and not a zombie (a container's init may never reap what it inherits). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('Lambda environments when the engine dies', () => {
  it('go away with it (runtime processes and what they started), even when it is killed', async () => {
    requirePython3();
    if (!existsSync(DIST)) throw new Error('dist/ is missing: this test runs the built engine in a process of its own (npm run build, or npm test)');
    const { pids, workDir } = await new Promise<{ pids: number[]; workDir: string }>((resolve, reject) => {
      execFile(process.execPath, [SCRIPT], { timeout: 30_000 }, (_err, stdout, stderr) => {
        // The script kills itself, so an error exit is expected: what matters is what it printed.
        const line = stdout.trim().split('\n').pop();
        if (!line?.startsWith('{')) reject(new Error(`the engine script printed no pids:\n${stdout}\n${stderr}`));
        else resolve(JSON.parse(line) as { pids: number[]; workDir: string });
      });
    });
    try {
      expect(pids.length).toBe(4);
      await waitFor('every function process to exit', () => pids.every((pid) => !running(pid)), 5000);
    } finally {
      rmSync(workDir, { recursive: true, force: true });
    }
  });
});
