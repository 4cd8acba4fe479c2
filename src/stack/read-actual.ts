import type { AwsClients } from '../aws/clients.js';
import type { EngineKind } from '../aws/detect.js';
import { parseArn } from '../aws/resources/arns.js';
import { awsErrorCode, isUnsupported } from '../aws/resources/errors.js';
import { OperationError } from '../errors.js';
import { readBus, readRule, readTargets } from '../aws/resources/events.js';
import { readFunction } from '../aws/resources/functions.js';
import { roleStatus } from '../aws/resources/iam.js';
import { logGroupExists } from '../aws/resources/logs.js';
import { readQueueMappings } from '../aws/resources/mappings.js';
import { readPermissions } from '../aws/resources/permissions.js';
import { readQueue } from '../aws/resources/queues.js';
import { readTable } from '../aws/resources/tables.js';
import { PERMISSION_PREFIX } from './desired.js';
import { readEntryPoints } from './read-entry-points.js';
import { emptyState, type ActualState, type StackState } from './model.js';

/** Where the endpoint's resources are: URLs and ARNs, filled by reads and by what apply creates. */
export interface ResourceRefs {
  region: string;
  /** Learnt from the first ARN the endpoint returns. */
  account?: string;
  queueUrls: Record<string, string>;
  queueArns: Record<string, string>;
  functionArns: Record<string, string>;
  busArns: Record<string, string>;
  /** By rule name. */
  ruleArns: Record<string, string>;
  /** By API name. */
  apiIds: Record<string, string>;
  /** HTTP APIs: ApiEndpoint as the endpoint reports it. */
  apiEndpoints: Record<string, string>;
}

export interface ActualRead {
  state: ActualState;
  refs: ResourceRefs;
}

export interface ReadOptions {
  region: string;
  endpointKind: EngineKind;
}

/**
 * Reads the endpoint's side of everything the stack names, all requests in parallel: the resources
 * themselves, the targets of its rules, and the invoke permissions and queue mappings of its functions
 * (so extra ones can be removed). Only the SDK clients the stack needs are loaded.
 */
export async function readActualState(clients: AwsClients, desired: StackState, options: ReadOptions): Promise<ActualRead> {
  const state: ActualState = emptyState();
  const refs: ResourceRefs = { region: options.region, queueUrls: {}, queueArns: {}, functionArns: {}, busArns: {}, ruleArns: {}, apiIds: {}, apiEndpoints: {} };
  const learn = (arn: string) => {
    refs.account ??= parseArn(arn)?.account || undefined;
  };
  const reads: Promise<void>[] = [];
  const read = (what: string, task: () => Promise<void>) => reads.push(task().catch((err: unknown) => Promise.reject(readError(what, err))));

  if (desired.role) {
    read(`role ${desired.role.name}`, async () => {
      const status = await roleStatus(await clients.iam(), desired.role!.name);
      if (status === 'exists') state.role = desired.role;
      if (status === 'unavailable') state.iamUnavailable = true;
    });
  }
  for (const name of Object.keys(desired.queues)) {
    read(`queue ${name}`, async () => {
      const found = await readQueue(await clients.sqs(), name);
      if (!found) return;
      state.queues[name] = found.state;
      refs.queueUrls[name] = found.url;
      refs.queueArns[name] = found.arn;
      learn(found.arn);
    });
  }
  for (const name of Object.keys(desired.tables)) {
    read(`table ${name}`, async () => {
      const found = await readTable(await clients.dynamodb(), name);
      if (found) state.tables[name] = { name, partitionKey: found.partitionKey, ...(found.sortKey ? { sortKey: found.sortKey } : {}) };
    });
  }
  for (const name of Object.keys(desired.functions)) {
    read(`function ${name}`, async () => {
      const lambda = await clients.lambda();
      const [found, permissions, mappings] = await Promise.all([
        readFunction(lambda, name, { deadLetterConfigUnreported: options.endpointKind === 'moto' }),
        readPermissions(lambda, name, PERMISSION_PREFIX),
        readQueueMappings(lambda, name),
      ]);
      if (!found) return;
      state.functions[name] = found.state;
      refs.functionArns[name] = found.arn;
      learn(found.arn);
      for (const p of permissions) state.permissions[p.key] = p;
      for (const m of mappings) {
        // Two mappings of one queue to one function: the second is drift and gets its own key.
        const key = m.key in state.subscriptions ? `${m.key} (${m.uuid})` : m.key;
        state.subscriptions[key] = { ...m, key };
      }
    });
  }
  for (const name of Object.keys(desired.logGroups)) {
    read(`log group ${name}`, async () => {
      if (await logGroupExists(await clients.logs(), name)) state.logGroups[name] = { name };
    });
  }
  for (const name of Object.keys(desired.buses)) {
    read(`bus ${name}`, async () => {
      const found = await readBus(await clients.events(), name);
      if (!found) return;
      state.buses[name] = { name };
      refs.busArns[name] = found.arn;
    });
  }
  for (const [name, rule] of Object.entries(desired.rules)) {
    read(`rule ${name}`, async () => {
      const events = await clients.events();
      const [found, targets] = await Promise.all([readRule(events, name, rule.bus), readTargets(events, name, rule.bus)]);
      if (!found) return;
      state.rules[name] = found.state;
      refs.ruleArns[name] = found.arn;
      learn(found.arn);
      for (const t of targets) state.targets[t.key] = t;
    });
  }
  // A rule the stack file moved to another bus still exists on the old one, still routing events there:
  // look for the stack's rule names on its other buses, so the plan removes them.
  const buses = ['default', ...Object.keys(desired.buses)];
  for (const [name, rule] of Object.entries(desired.rules)) {
    for (const bus of buses.filter((b) => b !== rule.bus)) {
      read(`rule ${name} on bus ${bus}`, async () => {
        const found = await readRule(await clients.events(), name, bus);
        if (found) state.rules[`${bus}/${name}`] = found.state;
      });
    }
  }
  readEntryPoints(clients, desired, state, refs, read);
  const results = await Promise.allSettled(reads);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  return { state, refs };
}

function readError(what: string, err: unknown): OperationError {
  const code = awsErrorCode(err) || 'Error';
  const message = (err as Error)?.message ?? String(err);
  return new OperationError('ReadFailed', `could not read ${what} at the endpoint: ${code}: ${message}`, {
    hint: isUnsupported(err)
      ? 'the endpoint does not implement this API: use an endpoint that serves every service the stack needs (the evlab engine, LocalStack)'
      : 'check the endpoint is healthy (`evlab status`) and run `evlab setup` again',
    cause: err,
  });
}
