import type { EngineContext, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';

// Placeholder until the dynamodb service lands: every operation is reported as unsupported.
export function createDynamoDbService(_ctx: EngineContext): ServiceMap['dynamodb'] {
  const unsupported = async (): Promise<never> => {
    throw new AwsError('UnknownOperationException', 400, 'The dynamodb service is not available in this build of the evlab engine.');
  };
  return new Proxy({ handle: unsupported } as unknown as ServiceMap['dynamodb'], {
    get: (target, prop) => (prop in target ? (target as never)[prop] : prop === 'then' ? undefined : unsupported),
  });
}
