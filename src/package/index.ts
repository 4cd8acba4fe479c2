/**
 * Function packaging, shared by `evlab setup` and `evlab relambda`:
 *   packageFunction(spec, stackDir, options?) → { zip, codeSha256, size, files, cached }
 * Deterministic zips (sorted entries, fixed timestamps and permissions): the same source gives the same
 * CodeSha256, which callers compare with the deployed function's to skip unchanged code.
 */
export { packageFunction, type PackageOptions, type PackagedFunction } from './package-function.js';
export { createDeterministicZip, codeSha256, ZIP_ENTRY_DATE } from './zip.js';
export { collectSourceFiles, type SourceFile } from './collect-files.js';
export { pythonDependencies, pipInstall, type DependencyInstaller } from './python-deps.js';
export { packageStackFunctions } from './package-stack.js';
