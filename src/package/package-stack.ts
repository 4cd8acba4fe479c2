import type { LoadedStack } from '../stack/types.js';
import { packageFunction, type PackageOptions, type PackagedFunction } from './package-function.js';

/** Packages the stack's functions (all, or the named ones) in parallel, by function name. */
export async function packageStackFunctions(loaded: LoadedStack, names?: string[], options: PackageOptions = {}): Promise<Record<string, PackagedFunction>> {
  const functions = Object.entries(loaded.stack.functions ?? {}).filter(([name]) => !names || names.includes(name));
  const packaged = await Promise.all(functions.map(async ([name, spec]) => [name, await packageFunction(spec, loaded.dir, options)] as const));
  return Object.fromEntries(packaged);
}
