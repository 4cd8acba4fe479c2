// Places an order: checks it, then puts an OrderPlaced event with source demo.orders on the default bus.
// The SDK v3 comes with Lambda's Node.js runtimes (and with evlab's engine), so the zip does not carry it; it sends
// to AWS_ENDPOINT_URL where the engine or LocalStack sets it, else to AWS.
import { randomUUID } from 'node:crypto';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const BUS = process.env.EVENT_BUS_NAME || 'default';
const events = new EventBridgeClient({});

export async function handler(order) {
  const problems = validate(order);
  if (problems.length > 0) throw new Error(`invalid order: ${problems.join('; ')}`);
  const placed = { orderId: order.orderId ?? randomUUID(), customer: order.customer, items: order.items, placedAt: new Date().toISOString() };

  const result = await events.send(
    new PutEventsCommand({
      Entries: [{ EventBusName: BUS, Source: 'demo.orders', DetailType: 'OrderPlaced', Detail: JSON.stringify(placed) }],
    }),
  );
  // PutEvents fails per entry, not per call.
  const [entry] = result.Entries ?? [];
  if (result.FailedEntryCount || !entry?.EventId) throw new Error(`EventBridge refused the event: ${entry?.ErrorCode}: ${entry?.ErrorMessage}`);

  console.log(JSON.stringify({ msg: 'order placed', orderId: placed.orderId, eventId: entry.EventId, items: placed.items.length }));
  return { orderId: placed.orderId, eventId: entry.EventId };
}

function validate(order) {
  if (!order || typeof order !== 'object') return ['the payload must be an order object'];
  const problems = [];
  if (typeof order.customer !== 'string' || order.customer === '') problems.push('customer is missing');
  if (!Array.isArray(order.items) || order.items.length === 0) problems.push('items must be a non-empty array');
  else
    order.items.forEach((item, i) => {
      if (typeof item?.sku !== 'string') problems.push(`items[${i}].sku is missing`);
      if (!Number.isInteger(item?.quantity) || item.quantity < 1) problems.push(`items[${i}].quantity must be a positive integer`);
      if (typeof item?.price !== 'number' || item.price < 0) problems.push(`items[${i}].price must be a number ≥ 0`);
    });
  return problems;
}
