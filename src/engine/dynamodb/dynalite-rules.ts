import { createRequire } from 'node:module';
import { DynamoDbError } from './wire.js';

// dynalite's own request checks, expression parsers and condition evaluation (its internal modules: dynalite has
// no exports map, and these are what its handlers call). Transaction items are checked and their conditions
// evaluated by the very code that checks the single operations, so the two can never disagree.
const require = createRequire(import.meta.url);
const validations = require('dynalite/validations') as {
  checkTypes(data: unknown, types: unknown): Record<string, any>;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
};
const db = require('dynalite/db') as {
  checkConditional(data: unknown, item: unknown): unknown;
  validateKey(key: unknown, table: unknown): { body?: { message?: string } } | null | undefined;
  validateItem(item: unknown, table: unknown): { body?: { message?: string } } | null | undefined;
  createKey(item: unknown, table: unknown): string;
  itemSize(item: unknown): number;
};
type Rules = { types: unknown; custom: unknown };
const RULES: Record<RuleName, Rules> = {
  putItem: require('dynalite/validations/putItem') as Rules,
  updateItem: require('dynalite/validations/updateItem') as Rules,
  deleteItem: require('dynalite/validations/deleteItem') as Rules,
  getItem: require('dynalite/validations/getItem') as Rules,
};
export type RuleName = 'putItem' | 'updateItem' | 'deleteItem' | 'getItem';

/** What dynalite's checks read from its store: the item size limit (DynamoDB's 400 KB). */
const STORE = { options: { maxItemSize: 400 * 1024 } };

/** `input` checked as dynalite checks `rule`'s operation, parsed (conditions in `_condition`); throws its error. */
export function parseAs(rule: RuleName, input: Record<string, unknown>): Record<string, any> {
  try {
    // checkTypes deletes the fields it does not know from what it is given: give it a copy.
    const data = validations.checkTypes(structuredClone(input), RULES[rule].types);
    validations.checkValidations(data, RULES[rule].types, RULES[rule].custom, STORE);
    return data;
  } catch (err) {
    const body = (err as { body?: { __type?: string; message?: string; Message?: string } }).body;
    if (!body) throw err;
    const type = String(body.__type ?? 'ValidationException');
    throw new DynamoDbError(type.slice(type.indexOf('#') + 1), String(body.message ?? body.Message ?? ''));
  }
}

/** Whether a parsed request's condition (ConditionExpression or Expected) holds for the item as it is (undefined: none). */
export function conditionHolds(parsed: Record<string, any>, item: Record<string, unknown> | undefined): boolean {
  return db.checkConditional(parsed, item) == null;
}

/** Why a key (or, with `whole`, an item) does not fit the table's key schema and indexes; undefined when it fits. */
export function schemaProblem(value: unknown, table: unknown, whole: boolean): string | undefined {
  const problem = whole ? db.validateItem(value, table) : db.validateKey(value, table);
  return problem ? String(problem.body?.message ?? 'The provided key element does not match the schema') : undefined;
}

/** The item's identity within its table (dynalite's storage key). */
export function storageKey(item: unknown, table: unknown): string {
  return db.createKey(item, table);
}

/** An item's size as DynamoDB counts it (attribute names plus values). */
export function itemSize(item: unknown): number {
  return db.itemSize(item);
}
