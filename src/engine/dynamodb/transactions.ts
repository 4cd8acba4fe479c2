import { callDynalite, errorOf, type DynaliteHandler } from './dynalite-call.js';
import { conditionHolds, itemSize, parseAs, schemaProblem, storageKey, type RuleName } from './dynalite-rules.js';
import type { TransactionTokens } from './idempotency.js';
import { describeTable, itemCollectionMetrics, type TableDescription } from './item-collections.js';
import type { TableLocks } from './table-locks.js';
import { DynamoDbError } from './wire.js';

/**
 * TransactWriteItems and TransactGetItems, which dynalite lacks, built over it: every item is checked up front with
 * dynalite's own request checks (a malformed item is a ValidationException for the whole call, as on AWS); then,
 * holding the tables exclusively, every condition is evaluated against the items as they are, and only when all
 * hold are the writes applied. A write that fails while applying (an update expression meeting a wrong type) undoes
 * the ones before it, so the transaction is all-or-nothing either way.
 */
export interface TransactionContext {
  handler: DynaliteHandler;
  locks: TableLocks;
  tokens: TransactionTokens;
}

/** AWS's limit on actions per transaction (TransactWriteItems and TransactGetItems alike). */
export const MAX_TRANSACTION_ITEMS = 100;

type WriteKind = 'ConditionCheck' | 'Put' | 'Delete' | 'Update';
type Kind = WriteKind | 'Get';
const WRITE_KINDS: WriteKind[] = ['ConditionCheck', 'Put', 'Delete', 'Update'];
const RULE: Record<Kind, RuleName> = { Put: 'putItem', Update: 'updateItem', Delete: 'deleteItem', ConditionCheck: 'deleteItem', Get: 'getItem' };
const OPERATION: Record<Exclude<WriteKind, 'ConditionCheck'>, string> = { Put: 'PutItem', Update: 'UpdateItem', Delete: 'DeleteItem' };
const REQUIRED: Record<Kind, string[]> = {
  Put: ['TableName', 'Item'],
  Update: ['TableName', 'Key', 'UpdateExpression'],
  Delete: ['TableName', 'Key'],
  ConditionCheck: ['TableName', 'Key', 'ConditionExpression'],
  Get: ['TableName', 'Key'],
};

interface Action {
  kind: Kind;
  table: string;
  request: Record<string, any>;
  parsed: Record<string, any>;
  returnOldOnFailure: boolean;
  /** The item's key attributes; for a Put, taken from the item by the table's key schema. */
  key: Record<string, unknown>;
  /** Why the key (or the Put's item) does not fit the table: a ValidationError cancellation reason. */
  problem?: string;
}

interface Reason {
  Code: string;
  Message?: string;
  Item?: Record<string, unknown>;
}

export async function transactWriteItems(input: Record<string, any>, ctx: TransactionContext): Promise<Record<string, unknown>> {
  const actions = plan(input.TransactItems, (item, at) => {
    const kinds = WRITE_KINDS.filter((k) => item?.[k] != null);
    if (kinds.length !== 1) throw validation('TransactItems can only contain one of Check, Put, Update or Delete');
    return parseAction(kinds[0]!, item[kinds[0]!], at);
  });
  const tables = await tablesOf(actions, ctx.handler);
  const token = typeof input.ClientRequestToken === 'string' ? input.ClientRequestToken : undefined;
  if (token !== undefined && (token.length < 1 || token.length > 36)) {
    throw validation(`1 validation error detected: Value '${token}' at 'clientRequestToken' failed to satisfy constraint: Member must have length ${token.length < 1 ? 'greater than or equal to 1' : 'less than or equal to 36'}`);
  }

  const release = await ctx.locks.acquire(tables.keys(), 'exclusive');
  try {
    // Under the lock, so that two requests with one token cannot both run.
    const replayed = token ? ctx.tokens.replay(token, input) : undefined;
    if (replayed) return replayed;

    const before = await Promise.all(actions.map((a) => (a.problem ? undefined : currentItem(ctx.handler, a.table, a.key))));
    const reasons = actions.map((a, i): Reason => {
      if (a.problem) return { Code: 'ValidationError', Message: a.problem };
      if (conditionHolds(a.parsed, before[i])) return { Code: 'None' };
      return { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed', ...(a.returnOldOnFailure && before[i] ? { Item: before[i] } : {}) };
    });
    if (reasons.some((r) => r.Code !== 'None')) throw cancelled(reasons);

    const applied: number[] = [];
    for (const [i, action] of actions.entries()) {
      if (action.kind === 'ConditionCheck' || action.kind === 'Get') continue;
      // The request as sent, condition included: it holds (checked above, nothing can change it under the lock).
      const { ReturnValuesOnConditionCheckFailure: _only, ...single } = action.request;
      const failure = errorOf(await callDynalite(ctx.handler, OPERATION[action.kind], single));
      if (failure) {
        await undo(ctx.handler, actions, before, applied);
        throw cancelled(actions.map((_, j) => (j === i ? { Code: failure.code === 'ConditionalCheckFailedException' ? 'ConditionalCheckFailed' : 'ValidationError', Message: failure.message } : { Code: 'None' })));
      }
      applied.push(i);
    }

    const result = {
      ...(await collectionMetrics(input, actions, tables, ctx.handler)),
      ...consumedCapacity(input, actions, before, 'write'),
    };
    if (token) ctx.tokens.remember(token, input, result);
    return result;
  } finally {
    release();
  }
}

export async function transactGetItems(input: Record<string, any>, ctx: TransactionContext): Promise<Record<string, unknown>> {
  const actions = plan(input.TransactItems, (item, at) => {
    if (item?.Get == null) throw validation(`1 validation error detected: Value null at 'transactItems.${at}.member.get' failed to satisfy constraint: Member must not be null`);
    return parseAction('Get', item.Get, at);
  });
  const tables = await tablesOf(actions, ctx.handler);
  // Shared: reads run beside single-item operations, never beside a transaction that is writing these tables.
  const release = await ctx.locks.acquire(tables.keys(), 'shared');
  try {
    const problems = actions.map((a): Reason => (a.problem ? { Code: 'ValidationError', Message: a.problem } : { Code: 'None' }));
    if (problems.some((r) => r.Code !== 'None')) throw cancelled(problems);
    const items = await Promise.all(
      actions.map(async (a) => {
        const { TableName, Key, ProjectionExpression, ExpressionAttributeNames } = a.request;
        const reply = await callDynalite(ctx.handler, 'GetItem', { TableName, Key, ProjectionExpression, ExpressionAttributeNames, ConsistentRead: true });
        const failure = errorOf(reply);
        if (failure) throw new DynamoDbError(failure.code, failure.message);
        return reply.body.Item as Record<string, unknown> | undefined;
      }),
    );
    return { Responses: items.map((Item) => (Item ? { Item } : {})), ...consumedCapacity(input, actions, items, 'read') };
  } finally {
    release();
  }
}

/** The items, each checked and parsed; duplicates (one item twice) are refused before anything is read. */
function plan(items: unknown, parse: (item: Record<string, any>, at: number) => Action): Action[] {
  if (!Array.isArray(items)) throw validation("1 validation error detected: Value null at 'transactItems' failed to satisfy constraint: Member must not be null");
  if (items.length < 1 || items.length > MAX_TRANSACTION_ITEMS) {
    const bound = items.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_TRANSACTION_ITEMS}`;
    throw validation(`1 validation error detected: Value '[${items.length} items]' at 'transactItems' failed to satisfy constraint: Member must have length ${bound}`);
  }
  return items.map((item, i) => parse(item as Record<string, any>, i + 1));
}

function parseAction(kind: Kind, request: Record<string, any>, at: number): Action {
  const member = `transactItems.${at}.member.${lowerFirst(kind)}`;
  for (const field of REQUIRED[kind]) {
    if (request[field] == null) throw validation(`1 validation error detected: Value null at '${member}.${lowerFirst(field)}' failed to satisfy constraint: Member must not be null`);
  }
  const onFailure = request.ReturnValuesOnConditionCheckFailure;
  if (onFailure != null && onFailure !== 'ALL_OLD' && onFailure !== 'NONE') {
    throw validation(`1 validation error detected: Value '${onFailure}' at '${member}.returnValuesOnConditionCheckFailure' failed to satisfy constraint: Member must satisfy enum value set: [ALL_OLD, NONE]`);
  }
  // A transaction's actions take no ReturnValues of their own (and dynalite's check would accept some).
  const { ReturnValuesOnConditionCheckFailure: _failure, ...single } = request;
  const parsed = parseAs(RULE[kind], single);
  return { kind, table: String(request.TableName), request, parsed, returnOldOnFailure: onFailure === 'ALL_OLD', key: request.Key ?? {} };
}

/** Each table's description (ResourceNotFoundException for a missing one); fills in keys, schema problems, duplicates. */
async function tablesOf(actions: Action[], handler: DynaliteHandler): Promise<Map<string, TableDescription>> {
  const tables = new Map<string, TableDescription>();
  for (const name of new Set(actions.map((a) => a.table))) {
    const table = await describeTable(handler, name);
    if (!table || table.TableStatus === 'CREATING' || table.TableStatus === 'DELETING') throw new DynamoDbError('ResourceNotFoundException', 'Requested resource not found');
    tables.set(name, table);
  }
  const seen = new Set<string>();
  for (const action of actions) {
    const table = tables.get(action.table)!;
    if (action.kind === 'Put') {
      action.key = Object.fromEntries(table.KeySchema.map((k) => [k.AttributeName, action.request.Item[k.AttributeName]]));
      action.problem = schemaProblem(action.request.Item, table, true);
    } else {
      action.problem = schemaProblem(action.key, table, false);
    }
    if (action.problem) continue;
    const identity = `${action.table}\u0000${storageKey(action.key, table)}`;
    if (seen.has(identity)) throw validation('Transaction request cannot include multiple operations on one item');
    seen.add(identity);
  }
  return tables;
}

async function currentItem(handler: DynaliteHandler, table: string, key: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
  const reply = await callDynalite(handler, 'GetItem', { TableName: table, Key: key, ConsistentRead: true });
  const failure = errorOf(reply);
  if (failure) throw new DynamoDbError(failure.code, failure.message);
  return reply.body.Item;
}

/** Puts back what the applied writes changed, newest first. */
async function undo(handler: DynaliteHandler, actions: Action[], before: (Record<string, unknown> | undefined)[], applied: number[]): Promise<void> {
  for (const i of [...applied].reverse()) {
    const { table, key } = actions[i]!;
    const restore = before[i] ? callDynalite(handler, 'PutItem', { TableName: table, Item: before[i] }) : callDynalite(handler, 'DeleteItem', { TableName: table, Key: key });
    const failure = errorOf(await restore);
    if (failure) throw new DynamoDbError('InternalServerError', `evlab engine: could not roll back a cancelled transaction on ${table}: ${failure.code}: ${failure.message}`);
  }
}

function cancelled(reasons: Reason[]): DynamoDbError {
  return new DynamoDbError('TransactionCanceledException', `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`, { CancellationReasons: reasons });
}

async function collectionMetrics(input: Record<string, any>, actions: Action[], tables: Map<string, TableDescription>, handler: DynaliteHandler): Promise<Record<string, unknown>> {
  if (input.ReturnItemCollectionMetrics !== 'SIZE') return {};
  const byTable: Record<string, unknown[]> = {};
  for (const action of actions) {
    if (action.kind === 'ConditionCheck' || action.kind === 'Get') continue;
    const metrics = await itemCollectionMetrics(handler, tables.get(action.table)!, action.key);
    if (metrics) (byTable[action.table] ??= []).push(metrics);
  }
  return Object.keys(byTable).length ? { ItemCollectionMetrics: byTable } : {};
}

/** Transactions cost two units per item and KB (write) or 4 KB (read), twice the standard operations. */
function consumedCapacity(input: Record<string, any>, actions: Action[], items: (Record<string, unknown> | undefined)[], mode: 'read' | 'write'): Record<string, unknown> {
  if (input.ReturnConsumedCapacity !== 'TOTAL' && input.ReturnConsumedCapacity !== 'INDEXES') return {};
  const units = new Map<string, number>();
  for (const [i, action] of actions.entries()) {
    const size = itemSize(action.kind === 'Put' ? action.request.Item : (items[i] ?? action.key));
    const used = 2 * Math.max(1, Math.ceil(size / (mode === 'write' ? 1024 : 4096)));
    units.set(action.table, (units.get(action.table) ?? 0) + used);
  }
  const field = mode === 'write' ? 'WriteCapacityUnits' : 'ReadCapacityUnits';
  return { ConsumedCapacity: [...units].map(([TableName, CapacityUnits]) => ({ TableName, CapacityUnits, [field]: CapacityUnits })) };
}

function validation(message: string): DynamoDbError {
  return new DynamoDbError('ValidationException', message);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
