import type { EngineResponse } from '../types.js';
import { JSON_1_0, jsonResponse, parseJsonBody } from '../protocol/encode.js';
import type { OperationContext } from './operation-context.js';
import { operationFor } from './operations.js';

/** AWS JSON 1.0 (`X-Amz-Target: AmazonSQS.<Operation>`), what current SDKs, boto3 and the CLI speak. */
export async function handleJsonRequest(oc: OperationContext, operation: string | undefined, body: Buffer): Promise<EngineResponse> {
  const run = operationFor(operation);
  return jsonResponse(await run(oc, parseJsonBody(body)), JSON_1_0);
}
