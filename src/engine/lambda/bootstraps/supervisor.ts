/**
 * Runs a provided runtime's `bootstrap` (any executable, often a shell script that would loop forever
 * once the engine is gone) in this process group, and kills the group when the engine's pipe on stdin
 * closes. A string so that it ships inside dist/ (see node-bootstrap.ts).
 */
export const SUPERVISOR = String.raw`
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
function killGroup() {
  try { process.kill(-process.pid, 'SIGKILL'); } catch {}
  process.exit(137);
}
process.stdin.on('end', killGroup);
process.stdin.on('error', killGroup);
process.stdin.resume();

const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'] });
child.on('error', (err) => {
  process.stderr.write('evlab: cannot run ' + command + ': ' + err.message + '\n');
  process.exit(127);
});
child.on('exit', (code, signal) => {
  if (signal) {
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  }
  process.exit(code === null ? 1 : code);
});
`;
