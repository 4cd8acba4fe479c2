// The Distance counter, Node.js edition: the same behaviour as ../distance/app.py.
// One EventBridge event with a coordinate adds one to the counter in DynamoDB; an event without what
// the counter needs throws, so Lambda retries it (asynchronous invocation) and then hands it to the
// dead-letter queue: counter + DLQ = events fired.
import { DynamoDBClient, UpdateItemCommand } from '@aws-sdk/client-dynamodb';

const TABLE_NAME = process.env.TABLE_NAME || 'Distance';
const COUNTER_KEY = { Name: { S: 'Distance' } };
// Created once per execution environment, outside the handler. The SDK (which Lambda's Node.js runtimes provide,
// and so does evlab's engine) takes the endpoint from AWS_ENDPOINT_URL where the engine or LocalStack sets it.
const dynamodb = new DynamoDBClient({});

export class PoisonEvent extends Error {
  name = 'PoisonEvent';
}

export async function handler(event) {
  const coordinate = check(event.detail);
  const distance = await increment();
  console.log(JSON.stringify({ msg: 'counted', id: event.id, coordinate, distance }));
  return { distance };
}

export function check(detail) {
  if (!detail || typeof detail !== 'object' || Array.isArray(detail)) throw new PoisonEvent('detail is not an object');
  if (detail.persist !== true) throw new PoisonEvent(`persist is ${JSON.stringify(detail.persist ?? null)}, not true: the event must not be counted`);
  const coordinate = detail.coordinate;
  if (!coordinate || typeof coordinate !== 'object') throw new PoisonEvent('detail.coordinate is missing');
  for (const axis of ['x', 'y']) {
    const value = coordinate[axis];
    if (value === undefined) throw new PoisonEvent(`detail.coordinate.${axis} is missing`);
    if (!isNumber(value)) {
      throw new PoisonEvent(`detail.coordinate.${axis} is ${JSON.stringify(value)}, not a number`);
    }
  }
  return { x: coordinate.x, y: coordinate.y };
}

/** A finite number, or a string holding one ("5", "-3.5"), as in app.py; booleans are not numbers here. */
function isNumber(value) {
  const numeric = typeof value === 'number' || (typeof value === 'string' && value.trim() !== '');
  return numeric && Number.isFinite(Number(value));
}

async function increment() {
  // if_not_exists: `SET n = n + :one` on a missing attribute is a ValidationException.
  const result = await dynamodb.send(
    new UpdateItemCommand({
      TableName: TABLE_NAME,
      Key: COUNTER_KEY,
      UpdateExpression: 'SET #d = if_not_exists(#d, :zero) + :one',
      ExpressionAttributeNames: { '#d': 'Distance' },
      ExpressionAttributeValues: { ':zero': { N: '0' }, ':one': { N: '1' } },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(result.Attributes.Distance.N);
}
