// The three servers the bench starts: evlab's engine (always a separate `evlab up` process, so the
// bench's own clients never share its event loop), moto, and a bare Node HTTP server (the floor).
import { fileURLToPath } from 'node:url';
import { awsEnv } from './peers.mjs';
import { freePort, startServer } from './proc.mjs';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const EVLAB_BIN = fileURLToPath(new URL('../../bin/evlab', import.meta.url));

/** `node bin/evlab up --port P` with the engine's default settings unless `extraArgs` say otherwise. */
export async function startEvlabEngine({ extraArgs = [] } = {}) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(process.execPath, [EVLAB_BIN, 'up', '--port', String(port), ...extraArgs], {
    env: { ...process.env, NO_COLOR: '1' },
    cwd: REPO,
    healthUrl: `${url}/_localstack/health`,
    name: 'evlab up',
  });
  return { ...server, url, port };
}

export async function startMoto(peers) {
  if (!peers.moto.python) throw new Error(`missing: ${peers.moto.missing}`);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(peers.moto.python, ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], {
    env: awsEnv({ MOTO_ACCOUNT_ID: '000000000000' }),
    healthUrl: `${url}/moto-api/`,
    name: 'moto server',
  });
  return { ...server, url, port };
}

// The floor for "engine start": the least a Node process must do to answer HTTP.
const BARE_SERVER = "require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.argv[1]), '127.0.0.1')";

export async function startBareNode() {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer(process.execPath, ['-e', BARE_SERVER, String(port)], { healthUrl: `${url}/`, name: 'bare node http' });
  return { ...server, url, port };
}
