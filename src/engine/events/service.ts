/**
 * Amazon EventBridge for the embedded engine (AWS JSON 1.1, X-Amz-Target `AWSEvents.<Operation>`): event buses,
 * rules, targets, PutEvents with delivery to Lambda / SQS / CloudWatch Logs / other buses, TestEventPattern, tags,
 * and EventsInternal for in-engine callers.
 */
import { serialSave } from '../serial-save.js';
import { causeOf, startCaused, type TraceCause } from '../traces/cause.js';
import type { EngineContext, EngineRequest, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';
import { jsonResponse, parseJsonBody } from '../protocol/encode.js';
import type { OpContext, Operation } from './context.js';
import { Dispatcher, PermanentDeliveryError, type DeliveryFailure, type DeliveryStats, type PendingDelivery } from './delivery.js';
import { AcceptedEvent, isoSeconds, MAX_BUS_HOPS, newEventId } from './envelope.js';
import { busNotFound } from './errors.js';
import { createEventBus, deleteEventBus, describeEventBus, listEventBuses } from './ops-buses.js';
import { deleteRule, describeRule, disableRule, enableRule, listRuleNamesByTarget, listRules, putRule } from './ops-rules.js';
import { listTagsForResource, tagResource, untagResource } from './ops-tags.js';
import { listTargetsByRule, putTargets, removeTargets } from './ops-targets.js';
import { testEventPattern } from './ops-test-pattern.js';
import { loadState, saveState } from './persistence.js';
import { putEvents } from './put-events.js';
import { Scheduler } from './scheduler.js';
import { EventsState, isEnabled, type Rule } from './state.js';

/** Rules that did not match, by name, in an event's trace (the count is always kept). */
const MAX_TRACED_RULE_NAMES = 20;

const OPERATIONS: Record<string, Operation> = {
  CreateEventBus: createEventBus,
  DescribeEventBus: describeEventBus,
  ListEventBuses: listEventBuses,
  DeleteEventBus: deleteEventBus,
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: enableRule,
  DisableRule: disableRule,
  ListRuleNamesByTarget: listRuleNamesByTarget,
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  PutEvents: (input, ctx) => ctx.putEvents(input.Entries, ctx.region),
  TestEventPattern: testEventPattern,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

/** Operations that change buses, rules, targets or tags (PutEvents and the reads do not). */
function changesState(operation: string): boolean {
  return !/^(Describe|List|Test)/.test(operation) && operation !== 'PutEvents';
}

export type EventsService = ServiceMap['events'] & {
  /** Deliveries that failed after their retries (the most recent 1000), with where the event went instead. */
  readonly deliveryFailures: readonly DeliveryFailure[];
  readonly deliveryStats: Readonly<DeliveryStats>;
};

export async function createEventsService(ctx: EngineContext): Promise<EventsService> {
  const { accountId, log } = ctx.options;
  const dir = ctx.stateDir('events');
  const persist = dir ? serialSave(() => saveState(dir, state)) : undefined;
  let state: EventsState;
  try {
    state = dir ? await loadState(dir, accountId, log) : new EventsState(accountId);
  } catch (err) {
    log(`engine: events state could not be restored, starting empty: ${(err as Error).message}`);
    state = new EventsState(accountId);
  }

  const dispatcher = new Dispatcher(ctx, forward);
  const scheduler = new Scheduler(fireSchedule);
  for (const [, buses] of state.allRegions()) for (const bus of buses.values()) for (const rule of bus.rules.values()) scheduler.sync(rule);

  /** Matches an accepted event against the bus's enabled rules and queues deliveries to their targets. */
  function route(event: AcceptedEvent, region: string, busName: string, cause?: TraceCause): boolean {
    const bus = state.buses(region).get(busName);
    if (!bus) return false;
    const deliveries: PendingDelivery[] = [];
    const matched: Rule[] = [];
    const notMatched: string[] = [];
    const id = event.fields.id;
    for (const rule of bus.rules.values()) {
      if (rule.targets.size === 0 || !rule.matcher || !isEnabled(rule)) continue;
      if (rule.matcher.matches(event.object)) matched.push(rule);
      else notMatched.push(rule.name);
    }
    // `matched` tells a reader of the trace (the status, a live view) how many rule steps follow.
    startCaused(ctx.traces, cause, id, 'event', { type: 'accepted', service: 'events', bus: busName, source: event.fields.source, detailType: event.fields.detailType, matched: matched.length });
    for (const rule of matched) {
      const info = { name: rule.name, arn: rule.arn };
      ctx.traces.record(id, { type: 'rule-matched', service: 'events', rule: rule.name, targets: rule.targets.size });
      for (const target of rule.targets.values()) deliveries.push({ rule: info, target });
    }
    if (notMatched.length > 0) {
      ctx.traces.record(id, { type: 'rules-not-matched', service: 'events', rules: notMatched.slice(0, MAX_TRACED_RULE_NAMES), count: notMatched.length });
    }
    dispatcher.dispatch(event, deliveries);
    return true;
  }

  function acceptFromPutEvents(event: AcceptedEvent, region: string, busName: string, cause?: TraceCause): void {
    dispatcher.stats.eventsAccepted++;
    if (route(event, region, busName, cause)) return;
    // AWS answers success for a bus that does not exist and the event goes nowhere; say so at least.
    dispatcher.stats.eventsForMissingBus++;
    startCaused(ctx.traces, cause, event.fields.id, 'event', { type: 'accepted', service: 'events', bus: busName, source: event.fields.source, detailType: event.fields.detailType, matched: 0 });
    ctx.traces.record(event.fields.id, { type: 'dropped', service: 'events', reason: `event bus ${busName} does not exist (AWS accepts and drops the event)` });
    log(`events: event ${event.fields.id} was put on event bus ${busName} (${region}), which does not exist; AWS accepts and drops it`);
  }

  function forward(event: AcceptedEvent, region: string, busName: string): void {
    if (event.hops + 1 >= MAX_BUS_HOPS) {
      throw new PermanentDeliveryError('EventLoopDetected', `Event ${event.fields.id} passed through ${MAX_BUS_HOPS} event buses; not forwarded again.`);
    }
    if (!route(event.forwarded(), region, busName)) throw busNotFound(busName);
  }

  function fireSchedule(rule: Rule): void {
    const now = Date.now();
    const time = isoSeconds(now);
    const event = new AcceptedEvent({
      id: newEventId(),
      source: 'aws.events',
      detailType: 'Scheduled Event',
      time,
      region: rule.region,
      account: accountId,
      resources: [rule.arn],
      detail: {},
      detailText: '{}',
      ingestionTime: time,
    });
    const info = { name: rule.name, arn: rule.arn };
    ctx.traces.start(event.fields.id, { kind: 'event' }, { type: 'accepted', service: 'events', bus: rule.bus, source: 'aws.events', detailType: 'Scheduled Event', matched: 1 });
    ctx.traces.record(event.fields.id, { type: 'rule-matched', service: 'events', rule: rule.name, targets: rule.targets.size, schedule: true });
    dispatcher.dispatch(event, [...rule.targets.values()].map((target) => ({ rule: info, target })));
  }

  const putEventsIn = (entries: unknown, region: string, cause?: TraceCause) =>
    putEvents(entries, region, accountId, (event, r, bus) => acceptFromPutEvents(event, r, bus, cause));
  const opContext = (region: string, traceHeader?: string | string[]): OpContext => ({
    state,
    region,
    accountId,
    ruleChanged: (rule) => scheduler.sync(rule),
    ruleRemoved: (rule) => scheduler.remove(rule),
    // Sent by a function (its SDK passes the runtime's X-Amzn-Trace-Id): the events are children of that invocation.
    putEvents: (entries, r) => putEventsIn(entries, r, causeOf(ctx.traces, traceHeader)),
  });

  return {
    async handle(req: EngineRequest) {
      const operation = req.operation ? OPERATIONS[req.operation] : undefined;
      if (!operation) {
        throw new AwsError('UnknownOperationException', 400, `The evlab engine does not implement the EventBridge operation ${req.operation ?? '(none)'}.`);
      }
      const result = operation(parseJsonBody(req.body), opContext(req.region, req.headers['x-amzn-trace-id']));
      // With --persist, a change to buses, rules or targets is on disk before it is acknowledged (a kill -9 keeps it).
      if (persist && changesState(req.operation!)) await persist();
      return jsonResponse(result);
    },

    async putEventsInternal(entries: Record<string, unknown>[], region: string) {
      return putEventsIn(entries, region);
    },

    get deliveryFailures() {
      return dispatcher.failures;
    },

    get deliveryStats() {
      return dispatcher.stats;
    },

    async save() {
      if (dir) await saveState(dir, state);
    },

    async stop() {
      scheduler.stop();
      dispatcher.stop();
    },
  };
}
