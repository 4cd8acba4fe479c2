import type { SQSClient } from '@aws-sdk/client-sqs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ApiGatewayV2Client } from '@aws-sdk/client-apigatewayv2';
import type { APIGatewayClient } from '@aws-sdk/client-api-gateway';
import { clientEndpoint, type Target } from './target.js';

/**
 * SDK clients for one target, each loaded on first use: loading all nine SDK packages costs
 * a few hundred milliseconds, and most commands need one or two.
 */
export interface AwsClients {
  readonly target: Target;
  sqs(): Promise<SQSClient>;
  lambda(): Promise<LambdaClient>;
  events(): Promise<EventBridgeClient>;
  dynamodb(): Promise<DynamoDBClient>;
  logs(): Promise<CloudWatchLogsClient>;
  iam(): Promise<IAMClient>;
  s3(): Promise<S3Client>;
  /** HTTP APIs (API Gateway v2). */
  apigatewayv2(): Promise<ApiGatewayV2Client>;
  /** REST APIs (API Gateway v1). */
  apigateway(): Promise<APIGatewayClient>;
  destroy(): void;
}

export function createClients(target: Target): AwsClients {
  const made: { destroy(): void }[] = [];
  const config = async () => {
    const { NodeHttpHandler } = await import('@smithy/node-http-handler');
    const endpoint = clientEndpoint(target);
    return {
      ...(endpoint ? { endpoint } : {}),
      region: target.region,
      ...(target.credentials ? { credentials: target.credentials } : {}),
      // Local endpoints answer at once or not at all; fail fast instead of retrying for a minute.
      maxAttempts: target.local ? 2 : 3,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 3000 }),
    };
  };
  const once = <T extends { destroy(): void }>(make: () => Promise<T>) => {
    let client: Promise<T> | undefined;
    return () =>
      (client ??= make().then((c) => {
        made.push(c);
        return c;
      }));
  };
  return {
    target,
    sqs: once(async () => new (await import('@aws-sdk/client-sqs')).SQSClient(await config())),
    lambda: once(async () => new (await import('@aws-sdk/client-lambda')).LambdaClient(await config())),
    events: once(async () => new (await import('@aws-sdk/client-eventbridge')).EventBridgeClient(await config())),
    dynamodb: once(async () => new (await import('@aws-sdk/client-dynamodb')).DynamoDBClient(await config())),
    logs: once(async () => new (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient(await config())),
    iam: once(async () => new (await import('@aws-sdk/client-iam')).IAMClient(await config())),
    // Path-style addressing on local endpoints: bucket.127.0.0.1 is not a host name that resolves.
    s3: once(async () => new (await import('@aws-sdk/client-s3')).S3Client({ ...(await config()), forcePathStyle: target.local })),
    apigatewayv2: once(async () => new (await import('@aws-sdk/client-apigatewayv2')).ApiGatewayV2Client(await config())),
    apigateway: once(async () => new (await import('@aws-sdk/client-api-gateway')).APIGatewayClient(await config())),
    destroy: () => {
      for (const c of made.splice(0)) c.destroy();
    },
  };
}
