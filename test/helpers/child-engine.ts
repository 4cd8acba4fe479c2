import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { EngineOptions } from '../../src/engine/index.js';

const SCRIPT = fileURLToPath(new URL('../fixtures/engine/child-engine.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/engine/index.js', import.meta.url));

export interface ChildEngine {
  url: string;
  child: ChildProcess;
  /** SIGKILL, resolved once the process is gone. */
  kill9(): Promise<void>;
}

/** The built engine (dist/) in a process of its own; nodeArgs e.g. ['--expose-gc']. */
export function startChildEngine(options: Omit<EngineOptions, 'log'> = {}, nodeArgs: string[] = []): Promise<ChildEngine> {
  if (!existsSync(DIST)) throw new Error('dist/ is missing: this test runs the built engine in a process of its own (npm run build, or npm test)');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, SCRIPT, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const kill9 = () =>
      new Promise<void>((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGKILL');
      });
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ url: JSON.parse(line).url, child, kill9 });
    });
    child.stderr!.on('data', (d) => (err += d));
    child.once('exit', (code) => reject(new Error(`engine exited (${code}) before listening: ${err}`)));
  });
}
