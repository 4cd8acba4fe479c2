// Running the evlab binary against a given endpoint, as a user would from a terminal.
import { runOk } from './proc.mjs';
import { EVLAB_BIN } from './servers.mjs';

/** `node bin/evlab <args> --endpoint URL --no-auto-start`; returns the run (ms = spawn → exit). */
export async function evlab(args, { endpoint, cwd, timeoutMs } = {}) {
  const flags = endpoint ? ['--endpoint', endpoint, '--no-auto-start'] : [];
  const env = { ...process.env, NO_COLOR: '1' };
  delete env.EVLAB_ENDPOINT;
  delete env.AWS_ENDPOINT_URL;
  try {
    return await runOk(process.execPath, [EVLAB_BIN, ...args, ...flags], { cwd, timeoutMs, env });
  } catch (err) {
    // The row's error should say what failed, not repeat temp paths.
    const r = err.result;
    if (!r) throw err;
    const detail = (r.stderr || r.stdout).trim().split('\n').slice(-4).join(' ');
    throw new Error(`\`evlab ${args[0]}\` exited ${r.code}: ${detail}`);
  }
}
