import type { IncomingHttpHeaders } from 'node:http';
import type { Protocol, ServiceName } from './types.js';

export interface Route {
  service: ServiceName;
  protocol: Protocol;
  operation?: string;
  region?: string;
}

// X-Amz-Target prefixes of the JSON-protocol services the engine speaks.
const TARGET_PREFIXES: Record<string, ServiceName> = {
  AWSEvents: 'events',
  AmazonSQS: 'sqs',
  DynamoDB_20120810: 'dynamodb',
  DynamoDBStreams_20120810: 'dynamodb',
  Logs_20140328: 'logs',
};

const SCOPE_SERVICES: Record<string, ServiceName> = {
  events: 'events',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  logs: 'logs',
  lambda: 'lambda',
  sts: 'sts',
  iam: 'iam',
  // apigatewayv2 (HTTP APIs) and apigateway (REST APIs) both sign with this scope.
  apigateway: 'apigateway',
  s3: 's3',
};

// Lambda's REST API versions in its paths (functions, event-invoke-config, tags/layers, runtime).
const LAMBDA_PATH = /^\/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2018-10-31|2019-09-25|2019-09-30|2020-04-22|2020-06-30|2021-10-31|2018-06-01)\//;

/** Credential scope of a SigV4 Authorization header: `Credential=AKID/20240101/us-east-1/sqs/aws4_request`. */
export function credentialScope(headers: IncomingHttpHeaders): { region: string; service: string } | undefined {
  const auth = headers.authorization;
  const match = typeof auth === 'string' ? /Credential=[^/,\s]+\/\d{8}\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/.exec(auth) : null;
  if (match) return { region: match[1], service: match[2] };
  // Presigned query-string auth (X-Amz-Credential) is read by the caller from the URL.
  return undefined;
}

/**
 * Decides which service answers a request: the SigV4 scope's service first, then X-Amz-Target,
 * then the path. Never the Host header — clients use localhost, 127.0.0.1 and LocalStack-style names.
 * The body is only needed for unsigned query-protocol requests, so it is passed lazily.
 */
export function routeRequest(
  method: string,
  path: string,
  query: URLSearchParams,
  headers: IncomingHttpHeaders,
  formAction: () => string | undefined,
): Route | undefined {
  const scope = credentialScope(headers) ?? scopeFromQuery(query);
  const target = typeof headers['x-amz-target'] === 'string' ? headers['x-amz-target'] : undefined;
  const targetService = target ? TARGET_PREFIXES[target.split('.')[0]] : undefined;
  const operation = target?.includes('.') ? target.slice(target.indexOf('.') + 1) : undefined;
  const scopeService = scope ? SCOPE_SERVICES[scope.service] : undefined;
  const region = scope?.region;

  // S3 is REST-XML on any path (a bucket may be named like anything else's path), so its scope decides alone.
  if (scopeService === 's3') return { service: 's3', protocol: 'rest-xml', region };

  if (LAMBDA_PATH.test(path) && (scopeService === 'lambda' || !scopeService)) {
    return { service: 'lambda', protocol: 'rest', region };
  }
  const service = scopeService ?? targetService;
  if (service && target) return { service, protocol: 'json', operation, region };

  const contentType = String(headers['content-type'] ?? '');
  const isForm = contentType.startsWith('application/x-www-form-urlencoded') || (method === 'GET' && query.has('Action'));
  if (isForm || (service && !target)) {
    const action = query.get('Action') ?? formAction();
    if (action) {
      // Unsigned query requests: SQS is the only query-protocol service clients reach us with unsigned.
      return { service: service ?? 'sqs', protocol: 'query', operation: action, region };
    }
  }
  if (service === 'dynamodb') return { service, protocol: 'json', region };
  if (service) return { service, protocol: service === 'lambda' || service === 'apigateway' ? 'rest' : 'json', operation, region };
  return undefined;
}

function scopeFromQuery(query: URLSearchParams): { region: string; service: string } | undefined {
  const cred = query.get('X-Amz-Credential');
  const parts = cred?.split('/');
  if (parts && parts.length >= 5) return { region: parts[2], service: parts[3] };
  return undefined;
}
