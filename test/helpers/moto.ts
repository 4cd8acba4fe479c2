import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface MotoServer {
  url: string;
  stop(): Promise<void>;
}

/** A free loopback port (closed again before returning; a tiny race we accept in tests). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto (the independent Python emulator) on a free port. Fails loudly when moto is missing:
 * a cross-check that silently skips proves nothing.
 */
export async function startMoto(): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: { ...process.env, MOTO_ACCOUNT_ID: '000000000000' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`moto is required for this test and did not start (python3 -m moto.server exited ${child.exitCode}). Install it: pip install 'moto[server]'.\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(500) });
      if (res.ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (Date.now() >= deadline) {
    child.kill('SIGKILL');
    throw new Error(`moto did not answer at ${url} within 30 s.\n${stderr}`);
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
