// Child processes for the bench: timing a command, starting a server and waiting for its first
// healthy answer, reading a process's resident memory, and never leaving a child behind.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';

const children = new Set();

// A crashed or interrupted bench must not leave engines or moto servers running.
function killAll() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

/**
 * Runs a command to completion and returns { code, stdout, stderr, ms } where ms is spawn → exit.
 * Never synchronous: an engine in this process (if any) must keep serving while the child runs.
 */
export function run(command, args, { env, cwd, timeoutMs = 120_000, input } = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { env: env ?? process.env, cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    children.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    if (input !== undefined) child.stdin.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      children.delete(child);
      reject(err);
    });
    child.once('close', (code, signal) => {
      const ms = performance.now() - started;
      clearTimeout(timer);
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), signal, stdout, stderr, ms });
    });
  });
}

/** Like run(), but a non-zero exit is an error that quotes the command and its stderr. */
export async function runOk(command, args, options) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    const shown = [command, ...args].map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a)).join(' ');
    const detail = (result.stderr || result.stdout).trim().split('\n').slice(-6).join('\n');
    const err = new Error(`\`${shown}\` exited ${result.code}: ${detail}`);
    err.result = result;
    throw err;
  }
  return result;
}

/** A free loopback port (closed again before returning; a tiny race we accept). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resident memory of a process in MB, from /proc (Linux); undefined elsewhere. */
export function rssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** One GET; resolves the status code, or undefined when nothing listens yet. node:http, not fetch: no lazy loading in the timed path. */
function probe(url) {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 2000 }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.statusCode));
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(undefined));
    req.end();
  });
}

/**
 * Spawns a server and polls `healthUrl` every ~2 ms until it answers 200.
 * Returns { pid, readyMs (spawn → first healthy answer), stop(), output() }.
 */
export async function startServer(command, args, { env, cwd, healthUrl, timeoutMs = 30_000, name = command }) {
  const started = performance.now();
  const child = spawn(command, args, { env: env ?? process.env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (d) => {
    output += d;
    if (output.length > 20_000) output = output.slice(-10_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = null;
  child.once('exit', (code) => {
    exited = code ?? 1;
    children.delete(child);
  });
  child.once('error', (err) => {
    exited = 127;
    output += String(err.message);
    children.delete(child);
  });
  const stop = () =>
    new Promise((resolve) => {
      if (exited !== null) return resolve();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  for (;;) {
    const status = await probe(healthUrl);
    if (status === 200) break;
    if (exited !== null) throw new Error(`${name} exited ${exited} before answering ${healthUrl}:\n${output.trim().split('\n').slice(-8).join('\n')}`);
    if (performance.now() - started > timeoutMs) {
      await stop();
      throw new Error(`${name} did not answer ${healthUrl} within ${timeoutMs / 1000} s:\n${output.trim().split('\n').slice(-8).join('\n')}`);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  return { pid: child.pid, readyMs: performance.now() - started, stop, output: () => output };
}

// Clock ticks per second of /proc/<pid>/stat times; 100 on every mainstream Linux build.
const CLK_TCK = 100;

/**
 * CPU seconds used so far by a process and by its descendants (function environments of the engine),
 * read from /proc. Descendants that already exited count through the parent's cutime/cstime.
 * Returns undefined off Linux.
 */
export function treeCpu(rootPid) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return undefined;
  }
  const stats = new Map();
  for (const pid of entries) {
    try {
      const raw = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name may contain spaces and parentheses: fields start after the last ')'.
      const fields = raw.slice(raw.lastIndexOf(')') + 2).split(' ');
      stats.set(Number(pid), { ppid: Number(fields[1]), utime: Number(fields[11]), stime: Number(fields[12]), cutime: Number(fields[13]), cstime: Number(fields[14]) });
    } catch {
      // exited while we looked
    }
  }
  const root = stats.get(rootPid);
  if (!root) return undefined;
  const descendants = [];
  const queue = [rootPid];
  while (queue.length) {
    const parent = queue.shift();
    for (const [pid, s] of stats) if (s.ppid === parent) {
      descendants.push(s);
      queue.push(pid);
    }
  }
  const own = (root.utime + root.stime) / CLK_TCK;
  const children = (root.cutime + root.cstime + descendants.reduce((a, s) => a + s.utime + s.stime, 0)) / CLK_TCK;
  return { own, children, liveDescendants: descendants.length };
}
