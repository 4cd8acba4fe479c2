import type { LambdaClient, Runtime } from '@aws-sdk/client-lambda';
import type { AsyncConfig, FunctionState } from '../../stack/model.js';
import { FUNCTION_DEFAULTS } from '../../stack/model.js';
import { queueNameOfArn } from './arns.js';
import { deleteIfExists, ifExists, pollUntil } from './errors.js';

const lambdaModule = () => import('@aws-sdk/client-lambda');

export interface FunctionRecord {
  state: FunctionState;
  arn: string;
}

export interface ReadFunctionOptions {
  /**
   * moto never reports DeadLetterConfig (it accepts it and drops it); with this set an absent
   * DeadLetterConfig reads as "unknown" instead of "none", so setup stays idempotent there.
   */
  deadLetterConfigUnreported?: boolean;
}

export async function readFunction(lambda: LambdaClient, name: string, options: ReadFunctionOptions = {}): Promise<FunctionRecord | undefined> {
  const { GetFunctionConfigurationCommand, GetFunctionEventInvokeConfigCommand } = await lambdaModule();
  const [config, invokeConfig] = await Promise.all([
    ifExists(lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }))),
    ifExists(lambda.send(new GetFunctionEventInvokeConfigCommand({ FunctionName: name }))),
  ]);
  if (!config) return undefined;
  const dlqArn = config.DeadLetterConfig?.TargetArn;
  const asyncConfig: AsyncConfig | null = invokeConfig
    ? {
        maxRetryAttempts: invokeConfig.MaximumRetryAttempts ?? FUNCTION_DEFAULTS.maxRetryAttempts,
        maxEventAgeSeconds: invokeConfig.MaximumEventAgeInSeconds ?? FUNCTION_DEFAULTS.maxEventAgeSeconds,
        onFailure: invokeConfig.DestinationConfig?.OnFailure?.Destination ? queueNameOfArn(invokeConfig.DestinationConfig.OnFailure.Destination) : null,
        onSuccess: invokeConfig.DestinationConfig?.OnSuccess?.Destination ? queueNameOfArn(invokeConfig.DestinationConfig.OnSuccess.Destination) : null,
      }
    : null;
  return {
    arn: config.FunctionArn ?? '',
    state: {
      name,
      runtime: config.Runtime ?? '',
      handler: config.Handler ?? '',
      role: config.Role ?? '',
      timeout: config.Timeout ?? FUNCTION_DEFAULTS.timeout,
      memorySize: config.MemorySize ?? FUNCTION_DEFAULTS.memorySize,
      description: config.Description ?? '',
      environment: config.Environment?.Variables ?? {},
      deadLetterQueue: dlqArn ? queueNameOfArn(dlqArn) : options.deadLetterConfigUnreported ? undefined : null,
      codeSha256: config.CodeSha256 ?? '',
      asyncConfig,
    },
  };
}

export interface FunctionArns {
  role: string;
  /** ARN of the dead-letter queue, or '' for none. */
  deadLetterQueue: string;
}

function configurationOf(state: FunctionState, arns: FunctionArns) {
  return {
    FunctionName: state.name,
    Runtime: state.runtime as Runtime,
    Handler: state.handler,
    Role: arns.role,
    Timeout: state.timeout,
    MemorySize: state.memorySize,
    Description: state.description,
    Environment: { Variables: state.environment },
    // An empty TargetArn removes a dead-letter queue.
    DeadLetterConfig: { TargetArn: arns.deadLetterQueue },
  };
}

export async function createFunction(lambda: LambdaClient, state: FunctionState, zip: Buffer, arns: FunctionArns): Promise<string> {
  const { CreateFunctionCommand } = await lambdaModule();
  const config = configurationOf(state, arns);
  const created = await lambda.send(
    new CreateFunctionCommand({ ...config, ...(arns.deadLetterQueue ? {} : { DeadLetterConfig: undefined }), Code: { ZipFile: zip }, PackageType: 'Zip' }),
  );
  await waitFunctionReady(lambda, state.name);
  return created.FunctionArn ?? '';
}

export async function updateFunctionCode(lambda: LambdaClient, name: string, zip: Buffer): Promise<void> {
  const { UpdateFunctionCodeCommand } = await lambdaModule();
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
  await waitFunctionReady(lambda, name);
}

export async function updateFunctionConfiguration(lambda: LambdaClient, state: FunctionState, arns: FunctionArns): Promise<void> {
  const { UpdateFunctionConfigurationCommand } = await lambdaModule();
  await lambda.send(new UpdateFunctionConfigurationCommand(configurationOf(state, arns)));
  await waitFunctionReady(lambda, state.name);
}

/**
 * Waits for State Active and a LastUpdateStatus other than InProgress: Lambda rejects updates and
 * invocations before that. Polls GetFunctionConfiguration with short pauses rather than the SDK waiters,
 * whose minimum delay (seconds) would dominate a local setup.
 */
export async function waitFunctionReady(lambda: LambdaClient, name: string): Promise<void> {
  const { GetFunctionConfigurationCommand } = await lambdaModule();
  await pollUntil(async () => {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === 'Failed') throw new Error(`function ${name} failed to start: ${c.StateReason ?? 'no reason given'}`);
    if (c.LastUpdateStatus === 'Failed') throw new Error(`update of function ${name} failed: ${c.LastUpdateStatusReason ?? 'no reason given'}`);
    const active = c.State === undefined || c.State === 'Active' || c.State === 'Inactive';
    return active && c.LastUpdateStatus !== 'InProgress' ? true : undefined;
  }, `function ${name} to become Active`);
}

export interface AsyncConfigArns {
  onFailure?: string;
  onSuccess?: string;
}

export async function putAsyncConfig(lambda: LambdaClient, name: string, config: AsyncConfig, arns: AsyncConfigArns): Promise<void> {
  const { PutFunctionEventInvokeConfigCommand } = await lambdaModule();
  const destinations = {
    ...(arns.onFailure ? { OnFailure: { Destination: arns.onFailure } } : {}),
    ...(arns.onSuccess ? { OnSuccess: { Destination: arns.onSuccess } } : {}),
  };
  await lambda.send(
    new PutFunctionEventInvokeConfigCommand({
      FunctionName: name,
      MaximumRetryAttempts: config.maxRetryAttempts,
      MaximumEventAgeInSeconds: config.maxEventAgeSeconds,
      DestinationConfig: destinations,
    }),
  );
}

export async function deleteAsyncConfig(lambda: LambdaClient, name: string): Promise<void> {
  const { DeleteFunctionEventInvokeConfigCommand } = await lambdaModule();
  await deleteIfExists(() => lambda.send(new DeleteFunctionEventInvokeConfigCommand({ FunctionName: name })));
}

export async function deleteFunction(lambda: LambdaClient, name: string): Promise<boolean> {
  const { DeleteFunctionCommand } = await lambdaModule();
  return deleteIfExists(() => lambda.send(new DeleteFunctionCommand({ FunctionName: name })));
}
