import type { JsonPath } from './paths.js';
import { suggestion } from './suggest.js';
import { checkFunctions } from './validate-functions.js';
import { checkRules } from './validate-rules.js';
import { checkEntryPoints } from './validate-entry-points.js';
import { entries, isObject, type AbsentKeys, type Loose, type SemanticContext } from './validate-context.js';

const SECTION = { queue: 'queues', function: 'functions', bus: 'buses' } as const;

/**
 * Checks JSON Schema cannot express: references between resources, DLQ cycles, key types of seed items,
 * source folders and handler files, event patterns. Runs on data that may also have structural problems,
 * so it ignores values of the wrong type (those are reported once, by the structural check).
 */
export interface SemanticProblem {
  path: JsonPath;
  message: string;
  hint?: string;
  absent?: AbsentKeys;
}

export function semanticProblems(stack: Loose, dir: string): SemanticProblem[] {
  const problems: SemanticProblem[] = [];
  const declared = {
    queues: entries(stack.queues).map(([name]) => name),
    functions: entries(stack.functions).map(([name]) => name),
    buses: ['default', ...entries(stack.buses).map(([name]) => name).filter((n) => n !== 'default')],
  };
  const ctx: SemanticContext = {
    dir,
    declared,
    add: (path, message, hint, absent) => problems.push({ path, message, ...(hint ? { hint } : {}), ...(absent ? { absent } : {}) }),
    reference(path, kind, name) {
      if (typeof name !== 'string') return false;
      const known = declared[SECTION[kind]];
      if (known.includes(name)) return true;
      const near = suggestion(name, known.filter((k) => k !== 'default' || kind === 'bus'));
      const declare = kind === 'function' ? 'declare it under "functions"' : `declare it under "${SECTION[kind]}": "${name}": {}`;
      this.add(path, `names the ${kind} "${name}", which is not declared under "${SECTION[kind]}"`, near.startsWith('did you mean') ? `${near} (or ${declare})` : declare);
      return false;
    },
  };
  checkQueues(stack, ctx);
  checkTables(stack, ctx);
  checkFunctions(stack, ctx);
  checkRules(stack, ctx);
  checkSubscriptions(stack, ctx);
  checkEntryPoints(stack, ctx);
  if (typeof stack.endpoint === 'string' && !/^https?:\/\/[^/\s]+/i.test(stack.endpoint) && !/^[\w.-]+:\d+$/.test(stack.endpoint)) {
    ctx.add(['endpoint'], `"${stack.endpoint}" is not an endpoint URL`, 'use a URL such as http://127.0.0.1:4566');
  }
  return problems;
}

function checkQueues(stack: Loose, ctx: SemanticContext): void {
  const dlqOf = new Map<string, string>();
  for (const [name, queue] of entries(stack.queues)) {
    const path = ['queues', name];
    const dlq = queue.deadLetterQueue;
    if (typeof dlq === 'string') {
      if (dlq === name) ctx.add([...path, 'deadLetterQueue'], 'a queue cannot be its own dead-letter queue', 'declare a separate queue, e.g. "' + name + '-dlq": {}');
      else if (ctx.reference([...path, 'deadLetterQueue'], 'queue', dlq)) dlqOf.set(name, dlq);
      if (queue.maxReceiveCount === undefined) {
        ctx.add([...path, 'maxReceiveCount'], 'is required with deadLetterQueue', 'add "maxReceiveCount": 3 (receives before a message moves to the dead-letter queue)', { object: path, keys: ['maxReceiveCount'] });
      }
    } else if (queue.deadLetterQueue === undefined && queue.maxReceiveCount !== undefined) {
      ctx.add([...path, 'maxReceiveCount'], 'has no effect without deadLetterQueue', 'add "deadLetterQueue": "<queue>" or remove maxReceiveCount', { object: path, keys: ['deadLetterQueue'] });
    }
  }
  // a → b → a: SQS accepts it, and messages then bounce between the two queues forever.
  const reported = new Set<string>();
  for (const start of [...dlqOf.keys()].sort()) {
    const chain = [start];
    let next = dlqOf.get(start);
    while (next !== undefined && !chain.includes(next)) {
      chain.push(next);
      next = dlqOf.get(next);
    }
    if (next === undefined || reported.has(next)) continue;
    const cycle = chain.slice(chain.indexOf(next));
    cycle.forEach((q) => reported.add(q));
    ctx.add(['queues', cycle[0]!, 'deadLetterQueue'], `dead-letter queues form a cycle: ${[...cycle, cycle[0]].join(' → ')}`, 'the last queue of a redrive chain must have no deadLetterQueue');
  }
}

const KEY_TYPE_NAMES: Record<string, string> = { S: 'a string', N: 'a number', B: 'a base64 string' };

function checkTables(stack: Loose, ctx: SemanticContext): void {
  for (const [name, table] of entries(stack.tables)) {
    const keys: { name: string; type: string }[] = [];
    for (const part of ['partitionKey', 'sortKey'] as const) {
      const key = table[part];
      if (isObject(key) && typeof key.name === 'string' && (key.type === 'S' || key.type === 'N' || key.type === 'B')) keys.push({ name: key.name, type: key.type });
    }
    if (keys.length === 2 && keys[0]!.name === keys[1]!.name) {
      ctx.add(['tables', name, 'sortKey', 'name'], `is the same attribute as the partition key ("${keys[0]!.name}")`, 'use a different attribute, or remove sortKey');
      continue;
    }
    if (!Array.isArray(table.seed)) continue;
    const seen = new Map<string, number>();
    table.seed.forEach((item, index) => {
      if (!isObject(item)) return;
      const path = ['tables', name, 'seed', index];
      const missing = keys.filter((k) => !(k.name in item));
      if (missing.length > 0) {
        ctx.add(path, `lacks the key attribute${missing.length > 1 ? 's' : ''} ${missing.map((k) => `"${k.name}"`).join(' and ')}`, `every seed item needs ${keys.map((k) => `"${k.name}" (${k.type})`).join(' and ')}`);
        return;
      }
      for (const key of keys) {
        const value = item[key.name];
        if (!keyValueMatches(key.type, value)) {
          ctx.add([...path, key.name], `must be ${KEY_TYPE_NAMES[key.type]} (the key type is ${key.type}), not ${JSON.stringify(value)}`, key.type === 'S' ? 'key strings must not be empty' : undefined);
          return;
        }
      }
      const identity = JSON.stringify(keys.map((k) => item[k.name]));
      const earlier = seen.get(identity);
      if (earlier !== undefined) ctx.add(path, `has the same key as seed[${earlier}]`, 'the later item would overwrite the earlier one; change or remove one of them');
      else seen.set(identity, index);
    });
  }
}

function keyValueMatches(type: string, value: unknown): boolean {
  if (type === 'S') return typeof value === 'string' && value !== '';
  if (type === 'N') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === 'string' && value !== '' && value.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(value);
}

function checkSubscriptions(stack: Loose, ctx: SemanticContext): void {
  if (!Array.isArray(stack.subscriptions)) return;
  const seen = new Map<string, number>();
  stack.subscriptions.forEach((sub, index) => {
    if (!isObject(sub)) return;
    const path = ['subscriptions', index];
    const queueOk = ctx.reference([...path, 'queue'], 'queue', sub.queue);
    const functionOk = ctx.reference([...path, 'function'], 'function', sub.function);
    // SQS standard queues: a batch above 10 needs a batching window (Lambda rejects the mapping otherwise).
    if (typeof sub.batchSize === 'number' && sub.batchSize > 10 && !(typeof sub.maximumBatchingWindowSeconds === 'number' && sub.maximumBatchingWindowSeconds >= 1)) {
      ctx.add([...path, 'batchSize'], `a batch size of ${sub.batchSize} needs maximumBatchingWindowSeconds of at least 1`, 'add "maximumBatchingWindowSeconds": 1, or use a batch size of at most 10');
    }
    if (queueOk && functionOk) {
      const key = `${String(sub.queue)}\u0000${String(sub.function)}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) ctx.add(path, `repeats subscriptions[${earlier}] (${String(sub.queue)} → ${String(sub.function)})`, 'Lambda allows one mapping per queue and function; remove one');
      else seen.set(key, index);
    }
  });
}
