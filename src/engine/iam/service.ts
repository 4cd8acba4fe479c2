import type { EngineContext, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';

// Placeholder until the iam service lands: every operation is reported as unsupported.
export function createIamService(_ctx: EngineContext): ServiceMap['iam'] {
  const unsupported = async (): Promise<never> => {
    throw new AwsError('UnknownOperationException', 400, 'The iam service is not available in this build of the evlab engine.');
  };
  return new Proxy({ handle: unsupported } as unknown as ServiceMap['iam'], {
    get: (target, prop) => (prop in target ? (target as never)[prop] : prop === 'then' ? undefined : unsupported),
  });
}
