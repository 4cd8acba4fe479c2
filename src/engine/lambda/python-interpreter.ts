import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export interface PythonInfo {
  /** The real interpreter (sys.executable), not a pyenv-style shim: shims cost tens of ms per start. */
  executable: string;
  version: string;
  /** boto3's version, when this interpreter can import it. */
  boto3?: string;
  /** Where this interpreter can be told to install boto3 (pip, or the distribution's package). */
  boto3Fix: string;
  /** The first python3 on PATH, when it was passed over because it cannot import boto3 and this one can. */
  passedOver?: string;
}

// One process per candidate: where it really is, its version, boto3's version (or ''), and whether pip may install
// into it (PEP 668: a distribution's own python refuses `pip install` outside a venv).
const PROBE = [
  'import sys, os, sysconfig, importlib.util',
  'v = ""',
  'if importlib.util.find_spec("boto3"):',
  '  from importlib.metadata import version',
  '  try: v = version("boto3")',
  '  except Exception: v = "unknown version"',
  'managed = os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")) and sys.prefix == sys.base_prefix',
  'debian = os.path.exists("/etc/debian_version")',
  'print(sys.executable); print("%d.%d.%d" % sys.version_info[:3]); print(v); print(("debian" if debian else "managed") if managed else "")',
].join('\n');

/** How many interpreters are tried for one with boto3 before settling for the first python3. */
const MAX_CANDIDATES = 8;

/**
 * The interpreter Python functions run on. AWS's Python runtimes include boto3, and handlers `import boto3`
 * without packaging it, so the first interpreter on PATH that can import boto3 wins: `python3` first, then the
 * other `python3` and `python3.N` on PATH (another pyenv version, the distribution's python). Without any, the
 * first `python3` runs them (functions that do not use boto3 work), and `boto3Fix` says how to install it.
 */
export async function findPython(pathEnv: string | undefined = process.env.PATH): Promise<PythonInfo | undefined> {
  const env = { ...process.env, PATH: pathEnv ?? '' };
  const first = await probe('python3', env);
  if (first?.boto3) return first;
  const seen = new Set(first ? [first.executable] : []);
  for (const candidate of (await candidates(pathEnv)).slice(0, MAX_CANDIDATES)) {
    const info = await probe(candidate, env);
    if (!info || seen.has(info.executable)) continue;
    seen.add(info.executable);
    if (info.boto3) return { ...info, passedOver: first?.executable };
  }
  return first;
}

async function candidates(pathEnv: string | undefined): Promise<string[]> {
  const found: string[] = [];
  for (const dir of (pathEnv ?? '').split(delimiter).filter(Boolean)) {
    const names = await readdir(dir).catch(() => [] as string[]);
    // Newest minor first among python3.N; python3 itself before them.
    const versioned = names.filter((n) => /^python3\.\d+$/.test(n)).sort((a, b) => Number(b.split('.')[1]) - Number(a.split('.')[1]));
    for (const name of [...names.filter((n) => n === 'python3'), ...versioned]) found.push(join(dir, name));
  }
  return found;
}

/**
 * Debian and Ubuntu mark their python EXTERNALLY-MANAGED (pip refuses to install into it) and package boto3 themselves;
 * other managed pythons (Homebrew's) take a user install only when told to.
 */
function boto3FixFor(executable: string, managed: string | undefined): string {
  if (managed === 'debian') return 'apt-get install python3-boto3';
  if (managed === 'managed') return `${executable} -m pip install --user --break-system-packages boto3`;
  return `${executable} -m pip install boto3`;
}

function probe(command: string, env: NodeJS.ProcessEnv): Promise<PythonInfo | undefined> {
  return new Promise((resolve) => {
    execFile(command, ['-c', PROBE], { env, timeout: 10_000, encoding: 'utf8' }, (err, stdout) => {
      const [executable, version, boto3, managed] = (stdout ?? '').split('\n');
      if (err || !executable || !version) return resolve(undefined);
      resolve({
        executable,
        version,
        ...(boto3 ? { boto3 } : {}),
        boto3Fix: boto3FixFor(executable, managed),
      });
    });
  });
}
