import type { EngineContext, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';

// Placeholder until the sqs service lands: every operation is reported as unsupported.
export function createSqsService(_ctx: EngineContext): ServiceMap['sqs'] {
  const unsupported = async (): Promise<never> => {
    throw new AwsError('UnknownOperationException', 400, 'The sqs service is not available in this build of the evlab engine.');
  };
  return new Proxy({ handle: unsupported } as unknown as ServiceMap['sqs'], {
    get: (target, prop) => (prop in target ? (target as never)[prop] : prop === 'then' ? undefined : unsupported),
  });
}
