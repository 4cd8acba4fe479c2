import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { FunctionSpec } from '../stack/types.js';
import { collectSourceFiles, type SourceFile } from './collect-files.js';
import { pythonDependencies, type DependencyInstaller } from './python-deps.js';
import { codeSha256, createDeterministicZip } from './zip.js';

export interface PackageOptions {
  /** Reuse the last zip of this source when no file changed (by name, size, mtime). Default true. */
  cache?: boolean;
  /** Where zips and pip installs are cached. Default `<stackDir>/.evlab/build`. */
  buildDir?: string;
  /** Replaces `python3 -m pip install -t` (tests). */
  installPythonDependencies?: DependencyInstaller;
}

export interface PackagedFunction {
  zip: Buffer;
  /** Base64 SHA-256 of the zip, as Lambda reports it in CodeSha256. */
  codeSha256: string;
  size: number;
  /** Names of the zip's entries, sorted. */
  files: string[];
  /** True when the zip came from the build cache. */
  cached: boolean;
}

/** Bumped when the zip layout changes, so cached zips of an older evlab are not reused. */
const PACKAGE_FORMAT = 2;

/**
 * Packages a function's source folder (relative to the stack file's folder) into a deterministic zip:
 * the same files always give the same CodeSha256, so callers can compare it with the deployed code and
 * skip uploads. Python sources with requirements.txt get their dependencies installed beside the code.
 * Used by `evlab setup` and `evlab relambda`.
 */
export async function packageFunction(spec: Pick<FunctionSpec, 'runtime' | 'source'>, stackDir: string, options: PackageOptions = {}): Promise<PackagedFunction> {
  const sourceDir = resolve(stackDir, spec.source);
  const buildDir = options.buildDir ?? join(stackDir, '.evlab', 'build');
  const [own, depsDir] = await Promise.all([
    collectSourceFiles(sourceDir),
    spec.runtime.startsWith('python') ? pythonDependencies(sourceDir, spec.runtime, buildDir, options.installPythonDependencies) : undefined,
  ]);
  const files = depsDir ? merge(await collectSourceFiles(depsDir), own) : own;

  const fingerprint = createHash('sha256')
    .update(JSON.stringify([PACKAGE_FORMAT, files.map((f) => [f.name, f.path, f.size, f.mtimeMs, f.executable])]))
    .digest('hex');
  const cacheBase = join(buildDir, 'zip', createHash('sha256').update(sourceDir).digest('hex').slice(0, 16));
  if (options.cache !== false) {
    const hit = await readCache(cacheBase, fingerprint);
    if (hit) return hit;
  }
  const zip = await createDeterministicZip(files);
  const result: PackagedFunction = { zip, codeSha256: codeSha256(zip), size: zip.length, files: files.map((f) => f.name), cached: false };
  if (options.cache !== false) await writeCache(cacheBase, fingerprint, result);
  return result;
}

/** Dependencies first, then the function's own files; the function's own file wins on a name clash. */
function merge(dependencies: SourceFile[], own: SourceFile[]): SourceFile[] {
  const byName = new Map<string, SourceFile>();
  for (const file of [...dependencies, ...own]) byName.set(file.name, file);
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

interface CacheManifest {
  fingerprint: string;
  codeSha256: string;
  files: string[];
}

async function readCache(base: string, fingerprint: string): Promise<PackagedFunction | undefined> {
  try {
    const manifest = JSON.parse(await readFile(`${base}.json`, 'utf8')) as CacheManifest;
    if (manifest.fingerprint !== fingerprint) return undefined;
    const zip = await readFile(`${base}.zip`);
    // A damaged cache entry is rebuilt rather than deployed.
    if (codeSha256(zip) !== manifest.codeSha256) return undefined;
    return { zip, codeSha256: manifest.codeSha256, size: zip.length, files: manifest.files, cached: true };
  } catch {
    return undefined;
  }
}

async function writeCache(base: string, fingerprint: string, result: PackagedFunction): Promise<void> {
  try {
    await mkdir(join(base, '..'), { recursive: true });
    await writeFile(`${base}.zip`, result.zip);
    const manifest: CacheManifest = { fingerprint, codeSha256: result.codeSha256, files: result.files };
    await writeFile(`${base}.json`, JSON.stringify(manifest));
  } catch {
    // The cache only saves time; a read-only project still packages.
  }
}
