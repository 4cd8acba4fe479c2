import type { EngineContext, EngineRequest, EngineService } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';
import { jsonResponse, queryResponse } from '../protocol/encode.js';
import { toXml } from '../protocol/xml.js';

const STS_XMLNS = 'https://sts.amazonaws.com/doc/2011-06-15/';

/** Just enough STS for `aws sts get-caller-identity` and SDKs that check who they are. */
export function createStsService(ctx: EngineContext): EngineService {
  const account = ctx.options.accountId;
  const identity = { UserId: 'AKIAIOSFODNN7EXAMPLE', Account: account, Arn: `arn:aws:iam::${account}:root` };
  return {
    async handle(req: EngineRequest) {
      if (req.operation !== 'GetCallerIdentity') {
        throw new AwsError('InvalidAction', 400, `The action ${req.operation ?? '(none)'} is not valid for this web service (the evlab engine implements only GetCallerIdentity).`);
      }
      if (req.protocol === 'json') return jsonResponse(identity, 'application/x-amz-json-1.1');
      return queryResponse('GetCallerIdentity', toXml(identity), req.requestId, STS_XMLNS);
    },
  };
}
