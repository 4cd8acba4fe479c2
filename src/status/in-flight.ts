/**
 * The engine's idle snapshot (`GET /_evlab/idle` → inFlight, see src/engine/activity.ts) in words, for
 * `fire --wait` when the work did not settle. Keys are activity kinds (`event`, `invocation`, `retry`,
 * `delivery`, `subscription`) or probes: `lambda-esm:<mapping uuid>` counts the messages waiting in, or in
 * flight from, the queue an event source mapping subscribes a function to.
 */
export interface SubscriptionTarget {
  /** The function the mapping feeds. */
  function?: string;
  /** The queue it reads. */
  queue?: string;
}

const ESM_PREFIX = 'lambda-esm:';

export function describeInFlight(inFlight: Record<string, number>, subscriptions: Record<string, SubscriptionTarget> = {}): string[] {
  const lines: string[] = [];
  for (const [key, n] of Object.entries(inFlight)) {
    if (!(n > 0)) continue;
    const plural = (one: string, many: string) => `${n} ${n === 1 ? one : many}`;
    if (key === 'event') lines.push(`${plural('event', 'events')} being routed to ${n === 1 ? 'its' : 'their'} rules' targets`);
    else if (key === 'invocation') lines.push(`${plural('invocation', 'invocations')} running`);
    else if (key === 'retry') lines.push(`${plural('invocation', 'invocations')} waiting for a retry`);
    else if (key === 'delivery') lines.push(`${plural('delivery', 'deliveries')} to rule targets in progress`);
    else if (key === 'subscription') lines.push(`${plural('message', 'messages')} on ${n === 1 ? 'its' : 'their'} way to a subscribed function`);
    else if (key.startsWith(ESM_PREFIX)) {
      const uuid = key.slice(ESM_PREFIX.length);
      const sub = subscriptions[uuid];
      const to = sub?.function ? `function ${sub.function}` : 'a function';
      const via = sub?.function ? 'via its SQS subscription' : `via an SQS subscription (event source mapping ${uuid})`;
      lines.push(`${plural('message', 'messages')} on ${n === 1 ? 'its' : 'their'} way to ${to} ${via}${sub?.queue ? ` (queue ${sub.queue})` : ''}`);
    } else lines.push(`${key}: ${n}`);
  }
  return lines;
}

/** The event source mapping uuids an idle snapshot names (to look up their function and queue). */
export function subscriptionIds(inFlight: Record<string, number>): string[] {
  return Object.keys(inFlight)
    .filter((key) => key.startsWith(ESM_PREFIX))
    .map((key) => key.slice(ESM_PREFIX.length));
}
