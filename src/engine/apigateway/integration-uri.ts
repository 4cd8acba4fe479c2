import { badRequest } from './errors.js';

const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[a-zA-Z0-9-_.]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const APIGW_LAMBDA_URI = /^arn:aws[a-zA-Z-]*:apigateway:[a-z0-9-]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

/**
 * The function an AWS_PROXY integration calls: a Lambda ARN, or the
 * `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<fnArn>/invocations` form.
 * Stage variables (`${stageVariables.fn}`) are substituted first.
 */
export function functionOfUri(uri: string, stageVariables: Record<string, string> = {}): string | undefined {
  const resolved = uri.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_m, name: string) => stageVariables[name] ?? '');
  const wrapped = APIGW_LAMBDA_URI.exec(resolved);
  const arn = wrapped ? wrapped[1] : resolved;
  return LAMBDA_ARN.test(arn) ? arn : undefined;
}

/** Create/Update checks: an ARN the engine can call (stage variables are resolved at request time). */
export function validateLambdaUri(uri: unknown, field: string): string {
  if (typeof uri !== 'string' || uri.length === 0) throw badRequest(`Invalid input: ${field} is required for AWS_PROXY integrations`);
  if (uri.includes('${stageVariables.')) return uri;
  if (!functionOfUri(uri)) {
    throw badRequest(
      `Invalid ${field} specified: '${uri}'. Expected a Lambda function ARN (arn:aws:lambda:REGION:ACCOUNT:function:NAME) or arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/<function ARN>/invocations.`,
    );
  }
  return uri;
}
