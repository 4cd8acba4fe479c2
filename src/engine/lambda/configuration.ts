import type { LambdaFunction } from './model.js';

/** LastModified as Lambda formats it: `2024-05-01T12:00:00.000+0000`. */
export function lambdaDate(date = new Date()): string {
  return date.toISOString().replace('Z', '+0000');
}

/**
 * FunctionConfiguration. `list` drops the state fields (ListFunctions does not return them);
 * `create` drops LastUpdateStatus (CreateFunction's answer has none yet).
 */
export function functionConfiguration(fn: LambdaFunction, mode: 'full' | 'create' | 'list' = 'full'): Record<string, unknown> {
  const s = fn.settings;
  const config: Record<string, unknown> = {
    FunctionName: fn.name,
    FunctionArn: fn.arn,
    Runtime: s.runtime,
    Role: s.role,
    Handler: s.handler,
    CodeSize: fn.code.size,
    Description: s.description,
    Timeout: s.timeout,
    MemorySize: s.memorySize,
    LastModified: fn.lastModified,
    CodeSha256: fn.code.sha256,
    Version: fn.version ?? '$LATEST',
  };
  if (Object.keys(s.environment).length > 0) config.Environment = { Variables: { ...s.environment } };
  if (s.deadLetterArn) config.DeadLetterConfig = { TargetArn: s.deadLetterArn };
  config.TracingConfig = { Mode: s.tracingMode };
  config.RevisionId = fn.revisionId;
  if (s.layers.length > 0) config.Layers = s.layers.map((Arn) => ({ Arn, CodeSize: 0 }));
  if (mode !== 'list') {
    config.State = fn.state;
    if (fn.stateReason) config.StateReason = fn.stateReason;
    if (fn.stateReasonCode) config.StateReasonCode = fn.stateReasonCode;
    if (mode === 'full' && fn.lastUpdateStatus) {
      config.LastUpdateStatus = fn.lastUpdateStatus;
      if (fn.lastUpdateStatusReason) config.LastUpdateStatusReason = fn.lastUpdateStatusReason;
      if (fn.lastUpdateStatusReasonCode) config.LastUpdateStatusReasonCode = fn.lastUpdateStatusReasonCode;
    }
  }
  config.PackageType = 'Zip';
  config.Architectures = [...s.architectures];
  config.EphemeralStorage = { Size: s.ephemeralStorage };
  config.SnapStart = { ApplyOn: 'None', OptimizationStatus: 'Off' };
  config.LoggingConfig = { LogFormat: s.logFormat, LogGroup: s.logGroup };
  return config;
}
