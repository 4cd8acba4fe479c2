import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { OperationError } from '../errors.js';

/** Installs the requirements file's packages into targetDir (default: `python3 -m pip install -t`). */
export type DependencyInstaller = (requirementsFile: string, targetDir: string) => Promise<void>;

export const pipInstall: DependencyInstaller = async (requirementsFile, targetDir) => {
  const { execa } = await import('execa');
  try {
    await execa('python3', ['-m', 'pip', 'install', '--requirement', requirementsFile, '--target', targetDir, '--disable-pip-version-check', '--no-input', '--quiet'], {
      timeout: 10 * 60_000,
    });
  } catch (err) {
    const detail = String((err as { stderr?: string }).stderr ?? (err as Error).message).trim().split('\n').slice(-4).join('\n');
    throw new OperationError('DependencyInstallFailed', `pip could not install ${requirementsFile}:\n${detail}`, {
      hint: 'check the package names and versions in requirements.txt; pip needs network access for packages it has not cached',
      cause: err,
    });
  }
};

/**
 * The folder holding a Python function's dependencies, installed once per content of requirements.txt
 * (and runtime) under `<buildDir>/pip/<hash>`: unchanged requirements never run pip again.
 * Undefined when the source has no requirements.txt or it lists nothing.
 */
export async function pythonDependencies(sourceDir: string, runtime: string, buildDir: string, install: DependencyInstaller = pipInstall): Promise<string | undefined> {
  const requirements = join(sourceDir, 'requirements.txt');
  if (!existsSync(requirements)) return undefined;
  const text = await readFile(requirements, 'utf8');
  const listsSomething = text.split('\n').some((line) => line.replace(/#.*/, '').trim() !== '');
  if (!listsSomething) return undefined;
  const key = createHash('sha256').update(runtime).update('\0').update(text).digest('hex').slice(0, 20);
  const dir = join(buildDir, 'pip', key);
  if (existsSync(dir)) return dir;
  // Install into a temporary folder and rename it: an interrupted pip never leaves a half-filled cache entry.
  const partial = `${dir}.partial-${process.pid}`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  try {
    await install(requirements, partial);
    await rename(partial, dir);
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    if (existsSync(dir)) return dir; // another run finished the same install meanwhile
    throw err;
  }
  return dir;
}
