import type { EngineContext } from '../types.js';
import type { LambdaFunction } from './model.js';

// Host variables a process needs to start at all; everything else (AWS_* above all) stays out.
const HOST_PASSTHROUGH = ['PATH', 'HOME', 'TMPDIR', 'TEMP', 'TMP', 'LD_LIBRARY_PATH', 'SYSTEMROOT', 'SYSTEMDRIVE', 'WINDIR', 'COMSPEC', 'PATHEXT'];

export interface EnvironmentVarsInput {
  ctx: EngineContext;
  fn: LambdaFunction;
  taskRoot: string;
  runtimeDir: string;
  runtimeApi: string;
  logStream: string;
  /** A path that does not exist: the host's ~/.aws files must not hand real credentials to a function. */
  noAwsFile: string;
  extra: Record<string, string>;
}

/** The variables Lambda sets, the function's own, and credentials that only this engine accepts. */
export function environmentVariables(input: EnvironmentVarsInput): Record<string, string> {
  const { ctx, fn } = input;
  const env: Record<string, string> = {};
  for (const name of HOST_PASSTHROUGH) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  Object.assign(env, {
    LANG: 'en_US.UTF-8',
    TZ: ':UTC',
    AWS_ENDPOINT_URL: ctx.url,
    AWS_CONFIG_FILE: input.noAwsFile,
    AWS_SHARED_CREDENTIALS_FILE: input.noAwsFile,
    ...input.extra,
    ...fn.settings.environment,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: fn.version ?? '$LATEST',
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.settings.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: fn.settings.logGroup,
    AWS_LAMBDA_LOG_STREAM_NAME: input.logStream,
    AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
    AWS_LAMBDA_RUNTIME_API: input.runtimeApi,
    AWS_REGION: fn.region,
    AWS_DEFAULT_REGION: fn.region,
    _HANDLER: fn.settings.handler,
    LAMBDA_TASK_ROOT: input.taskRoot,
    LAMBDA_RUNTIME_DIR: input.runtimeDir,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_SESSION_TOKEN: 'test',
  });
  // AWS sets it for its managed runtimes only, not for provided ones.
  if (!fn.settings.runtime.startsWith('provided')) env.AWS_EXECUTION_ENV = `AWS_Lambda_${fn.settings.runtime}`;
  return env;
}
