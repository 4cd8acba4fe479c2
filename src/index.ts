// evlab as a library: the embedded engine for your own tests, and the error types the CLI reports with.
export { startEngine, AwsError } from './engine/index.js';
export type { Engine, EngineOptions } from './engine/index.js';
export { ENGINE_NAME, ENGINE_VERSION } from './engine/version.js';
export { ExitCode, EvlabError, ConfigError, ValidationError, UnreachableError, OperationError, isEvlabError } from './errors.js';
export type { Problem } from './errors.js';
