import type { EngineContext, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';

// Placeholder until the logs service lands: every operation is reported as unsupported.
export function createLogsService(_ctx: EngineContext): ServiceMap['logs'] {
  const unsupported = async (): Promise<never> => {
    throw new AwsError('UnknownOperationException', 400, 'The logs service is not available in this build of the evlab engine.');
  };
  return new Proxy({ handle: unsupported } as unknown as ServiceMap['logs'], {
    get: (target, prop) => (prop in target ? (target as never)[prop] : prop === 'then' ? undefined : unsupported),
  });
}
