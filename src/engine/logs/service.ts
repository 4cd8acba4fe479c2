/**
 * CloudWatch Logs for the embedded engine (AWS JSON 1.1, X-Amz-Target `Logs_20140328.<Operation>`), and
 * LogsInternal for the services that write logs themselves (Lambda's START/END/REPORT lines, EventBridge
 * log-group targets).
 */
import { serialSave } from '../serial-save.js';
import type { EngineContext, EngineRequest, ServiceMap } from '../types.js';
import { AwsError } from '../protocol/aws-error.js';
import { jsonResponse, parseJsonBody } from '../protocol/encode.js';
import type { OpContext, Operation } from './context.js';
import { filterLogEvents } from './ops-filter.js';
import { getLogEvents } from './ops-get.js';
import {
  createLogGroup,
  deleteLogGroup,
  deleteRetentionPolicy,
  describeLogGroups,
  listTagsForResource,
  listTagsLogGroup,
  putRetentionPolicy,
  tagLogGroup,
  tagResource,
  untagLogGroup,
  untagResource,
} from './ops-groups.js';
import { putLogEvents } from './ops-put.js';
import { createLogStream, deleteLogStream, describeLogStreams } from './ops-streams.js';
import { loadState, saveState } from './persistence.js';
import { LogsState, newGroup, newStream } from './state.js';

const RETENTION_SWEEP_MS = 60_000;

const OPERATIONS: Record<string, Operation> = {
  CreateLogGroup: createLogGroup,
  DeleteLogGroup: deleteLogGroup,
  DescribeLogGroups: describeLogGroups,
  CreateLogStream: createLogStream,
  DeleteLogStream: deleteLogStream,
  DescribeLogStreams: describeLogStreams,
  PutLogEvents: putLogEvents,
  GetLogEvents: getLogEvents,
  FilterLogEvents: filterLogEvents,
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
  TagLogGroup: tagLogGroup,
  UntagLogGroup: untagLogGroup,
  ListTagsLogGroup: listTagsLogGroup,
};

export type LogsService = ServiceMap['logs'] & {
  /** As LogsInternal.append, into another region than the engine's own. */
  append(group: string, stream: string, events: { timestamp: number; message: string }[], region?: string): void;
};

export async function createLogsService(ctx: EngineContext): Promise<LogsService> {
  const dir = ctx.stateDir('logs');
  let state: LogsState;
  try {
    state = dir ? await loadState(dir, ctx.options.maxLogEvents) : new LogsState(ctx.options.maxLogEvents);
  } catch (err) {
    ctx.options.log(`engine: logs state could not be restored, starting empty: ${(err as Error).message}`);
    state = new LogsState(ctx.options.maxLogEvents);
  }
  // Retention is in days, so a sweep a minute is on time; unref'd, it never keeps the process alive.
  const expiry = setInterval(() => state.expire(Date.now()), RETENTION_SWEEP_MS);
  expiry.unref();
  const accountId = ctx.options.accountId;
  const now = () => Date.now();
  const persist = dir ? serialSave(() => saveState(dir, state)) : undefined;

  return {
    async handle(req: EngineRequest) {
      const operation = req.operation ? OPERATIONS[req.operation] : undefined;
      if (!operation) {
        throw new AwsError('UnknownOperationException', 400, `The evlab engine does not implement the CloudWatch Logs operation ${req.operation ?? '(none)'}.`);
      }
      const input = parseJsonBody(req.body);
      const opContext: OpContext = { state, region: req.region, accountId, now };
      const result = operation(input, opContext);
      // With --persist, groups, streams, retention, tags and PutLogEvents are on disk before they are acknowledged.
      if (persist && !/^(Describe|Get|Filter|List)/.test(req.operation!)) await persist();
      return jsonResponse(result);
    },

    // Hot path (every Lambda invocation): no validation, no copies beyond the stored events.
    append(groupName: string, streamName: string, events: { timestamp: number; message: string }[], region: string = ctx.options.region) {
      const at = now();
      const groups = state.groups(region);
      let group = groups.get(groupName);
      if (!group) {
        group = newGroup(groupName, at);
        groups.set(groupName, group);
      }
      let stream = group.streams.get(streamName);
      if (!stream) {
        stream = newStream(streamName, at);
        group.streams.set(streamName, stream);
      }
      state.append(group, stream, events, at);
    },

    async save() {
      if (dir) await saveState(dir, state);
    },

    async stop() {
      clearInterval(expiry);
    },

    stats() {
      let groups = 0;
      for (const [, g] of state.allRegions()) groups += g.size;
      return { groups, events: state.eventCount(), maxEventsPerGroup: state.maxEventsPerGroup, dropped: { ...state.drops } };
    },
  };
}
