import type { AwsClients } from '../aws/clients.js';
import { buildArn } from '../aws/resources/arns.js';
import { createBus, deleteBus, deleteRule, putRule, putTarget, removeTargets } from '../aws/resources/events.js';
import {
  createFunction,
  deleteAsyncConfig,
  deleteFunction,
  putAsyncConfig,
  updateFunctionCode,
  updateFunctionConfiguration,
} from '../aws/resources/functions.js';
import { createLambdaRole } from '../aws/resources/iam.js';
import { createLogGroup, deleteLogGroup } from '../aws/resources/logs.js';
import { createQueueMapping, deleteQueueMapping, updateQueueMapping } from '../aws/resources/mappings.js';
import { addInvokePermission, removePermission } from '../aws/resources/permissions.js';
import { createQueue, deleteQueue, queueAttributes, readQueue, setQueueAttributes } from '../aws/resources/queues.js';
import { createTable, deleteTable, seedTable } from '../aws/resources/tables.js';
import { OperationError } from '../errors.js';
import type { PackagedFunction } from '../package/index.js';
import { functionDifferences } from './diff.js';
import type { ActualState, Change, StackState, TargetState } from './model.js';
import type { ResourceRefs } from './read-actual.js';
import type { StackFile } from './types.js';
import { addEntryPointPermission, ENTRY_POINT_APPLIERS } from './apply-entry-points.js';

export interface ApplyContext {
  clients: AwsClients;
  stack: StackFile;
  desired: StackState;
  actual: ActualState;
  refs: ResourceRefs;
  /** Packaged code of the functions that are created or whose code changed. */
  packages: Record<string, PackagedFunction>;
  /** Called as each change starts (progress output). */
  onChange?: (change: Change) => void;
  /** Ctrl-C: stop between stages (a stage in flight finishes, so no resource is left half-made). */
  signal?: AbortSignal;
  /** Folder of the stack file: buckets' seed folders are relative to it. */
  dir?: string;
}

/**
 * Applies a plan. Changes run in the plan's order, one resource type at a time; within a type they run
 * in parallel, except queues (a dead-letter queue must exist before the queue that names it).
 * A failure stops the run with an OperationError naming the resource: a rerun continues from what exists.
 */
export async function applyChanges(changes: Change[], ctx: ApplyContext): Promise<void> {
  const arns = new ArnResolver(ctx);
  const work = changes.filter((c) => c.action !== 'noop');
  for (const stage of stages(work)) {
    if (ctx.signal?.aborted) throw new OperationError('Interrupted', 'interrupted: the remaining changes were not applied', { hint: 'run `evlab setup` again to finish' });
    const run = (change: Change) => applyOne(change, ctx, arns);
    if (stage[0]!.resource.type === 'queue') for (const change of stage) await run(change);
    else await Promise.all(stage.map(run));
  }
}

function stages(changes: Change[]): Change[][] {
  const out: Change[][] = [];
  for (const change of changes) {
    const last = out[out.length - 1];
    const phase = (c: Change) => (c.action === 'delete' ? 'delete' : 'upsert');
    if (last && last[0]!.resource.type === change.resource.type && phase(last[0]!) === phase(change)) last.push(change);
    else out.push([change]);
  }
  return out;
}

async function applyOne(change: Change, ctx: ApplyContext, arns: ArnResolver): Promise<void> {
  ctx.onChange?.(change);
  try {
    await APPLIERS[change.resource.type](change, ctx, arns);
  } catch (err) {
    if (err instanceof OperationError) throw err;
    const { type, name } = change.resource;
    throw new OperationError('ApplyFailed', `could not ${change.action} ${type} ${name}: ${(err as Error).message ?? String(err)}`, {
      hint: hintFor(change, err),
      cause: err,
    });
  }
}

function hintFor(change: Change, err: unknown): string {
  const message = String((err as Error)?.message ?? '');
  if (change.resource.type === 'function' && /role/i.test(message)) {
    return 'the execution role must exist on the endpoint: set "role" in the stack file to an existing role ARN (evlab creates the default lambda-role on local endpoints that serve IAM)';
  }
  return 'fix the cause and run `evlab setup` again: it continues from what already exists (`evlab setup --fresh` starts over)';
}

export type Applier = (change: Change, ctx: ApplyContext, arns: ArnResolver) => Promise<void>;

const APPLIERS: Record<Change['resource']['type'], Applier> = {
  async role(change, ctx) {
    if (change.action === 'create') await createLambdaRole(await ctx.clients.iam(), change.resource.name);
  },

  async queue(change, ctx, arns) {
    const sqs = await ctx.clients.sqs();
    const name = change.resource.name;
    if (change.action === 'delete') {
      const url = ctx.refs.queueUrls[name];
      if (url) await deleteQueue(sqs, url);
      delete ctx.refs.queueUrls[name];
      delete ctx.refs.queueArns[name];
      return;
    }
    const queue = ctx.desired.queues[name]!;
    const dlqArn = queue.redrive ? await arns.queue(queue.redrive.deadLetterQueue) : undefined;
    const attributes = queueAttributes(queue, dlqArn);
    if (change.action === 'create') {
      const created = await createQueue(sqs, name, attributes);
      ctx.refs.queueUrls[name] = created.url;
      ctx.refs.queueArns[name] = created.arn;
    } else {
      await setQueueAttributes(sqs, ctx.refs.queueUrls[name]!, attributes);
    }
  },

  async table(change, ctx) {
    const ddb = await ctx.clients.dynamodb();
    const name = change.resource.name;
    if (change.action === 'delete') {
      await deleteTable(ddb, name);
      return;
    }
    const table = ctx.desired.tables[name]!;
    await createTable(ddb, table);
    // Seed items are written only when the table is created: later runs never overwrite the data.
    await seedTable(ddb, table, ctx.stack.tables?.[name]?.seed ?? []);
  },

  async function(change, ctx, arns) {
    const lambda = await ctx.clients.lambda();
    const name = change.resource.name;
    if (change.action === 'delete') {
      await deleteFunction(lambda, name);
      delete ctx.refs.functionArns[name];
      return;
    }
    const fn = ctx.desired.functions[name]!;
    const fnArns = { role: fn.role, deadLetterQueue: fn.deadLetterQueue ? await arns.queue(fn.deadLetterQueue) : '' };
    const asyncArns = async () => ({
      onFailure: fn.asyncConfig?.onFailure ? await arns.queue(fn.asyncConfig.onFailure) : undefined,
      onSuccess: fn.asyncConfig?.onSuccess ? await arns.queue(fn.asyncConfig.onSuccess) : undefined,
    });
    if (change.action === 'create') {
      ctx.refs.functionArns[name] = await createFunction(lambda, fn, packageOf(ctx, name).zip, fnArns);
      if (fn.asyncConfig) await putAsyncConfig(lambda, name, fn.asyncConfig, await asyncArns());
      return;
    }
    const differences = functionDifferences(fn, ctx.actual.functions[name]!);
    if (differences.code) await updateFunctionCode(lambda, name, packageOf(ctx, name).zip);
    if (differences.configuration.length) await updateFunctionConfiguration(lambda, fn, fnArns);
    if (differences.asyncConfig.length) {
      if (fn.asyncConfig) await putAsyncConfig(lambda, name, fn.asyncConfig, await asyncArns());
      else await deleteAsyncConfig(lambda, name);
    }
  },

  async 'log-group'(change, ctx) {
    const logs = await ctx.clients.logs();
    if (change.action === 'delete') await deleteLogGroup(logs, change.resource.name);
    else await createLogGroup(logs, change.resource.name);
  },

  async bus(change, ctx) {
    const events = await ctx.clients.events();
    const name = change.resource.name;
    if (change.action === 'delete') await deleteBus(events, name);
    else ctx.refs.busArns[name] = await createBus(events, name);
  },

  async rule(change, ctx) {
    const events = await ctx.clients.events();
    const name = change.resource.name;
    if (change.action === 'delete') {
      // Keyed `<bus>/<name>` when it is the stack's rule left behind on another bus.
      const rule = ctx.actual.rules[name] ?? ctx.desired.rules[name]!;
      await deleteRule(events, rule.name, rule.bus);
      delete ctx.refs.ruleArns[name];
    } else {
      ctx.refs.ruleArns[name] = await putRule(events, ctx.desired.rules[name]!);
    }
  },

  async permission(change, ctx, arns) {
    const lambda = await ctx.clients.lambda();
    const key = change.resource.name;
    const existing = ctx.actual.permissions[key];
    if (change.action !== 'create' && existing) await removePermission(lambda, existing.function, existing.statementId);
    if (change.action === 'delete') return;
    const wanted = ctx.desired.permissions[key]!;
    if (wanted.source) return addEntryPointPermission(lambda, wanted, ctx, arns);
    await addInvokePermission(lambda, wanted.function, wanted.statementId, arns.rule(wanted.rule!.name, wanted.rule!.bus));
  },

  async target(change, ctx, arns) {
    const events = await ctx.clients.events();
    const key = change.resource.name;
    if (change.action === 'delete') {
      const target = ctx.actual.targets[key]!;
      await removeTargets(events, target.rule, target.bus, [target.id]);
      return;
    }
    const target = ctx.desired.targets[key]!;
    const deadLetterArn = target.deadLetterQueue ? await arns.queue(target.deadLetterQueue) : undefined;
    await putTarget(events, target, await arns.destination(target), deadLetterArn);
  },

  ...ENTRY_POINT_APPLIERS,

  async subscription(change, ctx, arns) {
    const lambda = await ctx.clients.lambda();
    const key = change.resource.name;
    if (change.action === 'delete') {
      const uuid = ctx.actual.subscriptions[key]?.uuid;
      if (uuid) await deleteQueueMapping(lambda, uuid);
      return;
    }
    const sub = ctx.desired.subscriptions[key]!;
    if (change.action === 'update') await updateQueueMapping(lambda, ctx.actual.subscriptions[key]!.uuid!, sub);
    else await createQueueMapping(lambda, await arns.queue(sub.queue), sub);
  },
};

function packageOf(ctx: ApplyContext, name: string): PackagedFunction {
  const found = ctx.packages[name];
  if (!found) throw new Error(`function ${name} was not packaged`);
  return found;
}

/** ARNs of the stack's resources: as the endpoint reported them, else built from its account and region. */
export class ArnResolver {
  constructor(private readonly ctx: ApplyContext) {}

  get account(): string {
    // Local endpoints use 000000000000 unless configured otherwise; the first ARN read tells.
    return this.ctx.refs.account ?? '000000000000';
  }

  build(service: string, resource: string): string {
    return buildArn(service, this.ctx.refs.region, this.account, resource);
  }

  async queue(name: string): Promise<string> {
    const known = this.ctx.refs.queueArns[name];
    if (known) return known;
    const found = await readQueue(await this.ctx.clients.sqs(), name);
    if (found?.arn) {
      this.ctx.refs.queueArns[name] = found.arn;
      this.ctx.refs.queueUrls[name] = found.url;
      return found.arn;
    }
    return this.build('sqs', name);
  }

  rule(name: string, bus: string): string {
    return this.ctx.refs.ruleArns[name] ?? this.build('events', bus === 'default' ? `rule/${name}` : `rule/${bus}/${name}`);
  }

  functionArn(name: string): string {
    return this.ctx.refs.functionArns[name] ?? this.build('lambda', `function:${name}`);
  }

  logGroupArn(name: string): string {
    return this.build('logs', `log-group:${name}`);
  }

  async destination(target: TargetState): Promise<string> {
    const { kind, name } = target.destination;
    if (kind === 'queue') return this.queue(name);
    if (kind === 'function') return this.ctx.refs.functionArns[name] ?? this.build('lambda', `function:${name}`);
    if (kind === 'bus') return this.ctx.refs.busArns[name] ?? this.build('events', `event-bus/${name}`);
    if (kind === 'logGroup') return this.build('logs', `log-group:${name}`);
    return name;
  }
}
