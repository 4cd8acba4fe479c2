import { compilePattern } from '../engine/events/pattern.js';
import { TARGET_KINDS, targetIds } from './target-ids.js';
import { entries, isObject, type Loose, type SemanticContext } from './validate-context.js';

const PATTERN_REASON_PREFIX = 'Event pattern is not valid. Reason: ';

export function checkRules(stack: Loose, ctx: SemanticContext): void {
  for (const [name, rule] of entries(stack.rules)) {
    const path = ['rules', name];
    const bus = typeof rule.bus === 'string' ? rule.bus : 'default';
    if (typeof rule.bus === 'string') ctx.reference([...path, 'bus'], 'bus', rule.bus);
    if (isObject(rule.pattern)) {
      const reason = patternProblem(rule.pattern);
      if (reason) ctx.add([...path, 'pattern'], `is not a valid event pattern: ${reason}`, 'patterns list the values to match in arrays, e.g. {"source": ["cli"], "detail": {"state": [{"prefix": "fail"}]}}');
    }
    if (typeof rule.schedule === 'string' && bus !== 'default') {
      ctx.add([...path, 'schedule'], `is on bus "${bus}": EventBridge runs scheduled rules on the default bus only`, 'remove "bus" from the rule, or move the schedule to a rule of its own');
    }
    if (Array.isArray(rule.targets)) checkTargets(rule.targets, bus, [...path, 'targets'], ctx);
  }
}

/** AWS's reason for rejecting the pattern (from the engine's compiler, which reproduces AWS's checks). */
export function patternProblem(pattern: Loose): string | undefined {
  try {
    compilePattern(JSON.stringify(pattern));
    return undefined;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    return message.startsWith(PATTERN_REASON_PREFIX) ? message.slice(PATTERN_REASON_PREFIX.length).split('\n')[0] : message;
  }
}

function checkTargets(targets: unknown[], ruleBus: string, path: (string | number)[], ctx: SemanticContext): void {
  const ids = targetIds(targets.map((t) => (isObject(t) ? t : {})));
  const firstIndexOfId = new Map<string, number>();
  targets.forEach((target, index) => {
    if (!isObject(target)) return;
    const at = [...path, index];
    const named = TARGET_KINDS.filter((kind) => kind in target);
    if (named.length === 0) {
      ctx.add(at, 'names no destination', 'add one of "function", "queue", "logGroup" or "bus"', { object: at, keys: [...TARGET_KINDS] });
      return;
    }
    if (named.length > 1) {
      ctx.add(at, `names both "${named[0]}" and "${named[1]}"`, 'a target has one destination; add a second target for the other');
      return;
    }
    const kind = named[0]!;
    const value = target[kind];
    if (kind === 'function') ctx.reference([...at, 'function'], 'function', value);
    else if (kind === 'queue') ctx.reference([...at, 'queue'], 'queue', value);
    else if (kind === 'bus') {
      if (ctx.reference([...at, 'bus'], 'bus', value) && value === ruleBus) ctx.add([...at, 'bus'], `is the rule's own bus ("${ruleBus}"): events would loop`, 'target another bus');
    } else if (typeof value === 'string' && !value.startsWith('/aws/events/')) {
      ctx.add([...at, 'logGroup'], `"${value}" does not start with /aws/events/`, `EventBridge only delivers to log groups named /aws/events/…, e.g. "/aws/events/${value.replace(/^\/+/, '')}"`);
    }
    if (typeof target.deadLetterQueue === 'string') ctx.reference([...at, 'deadLetterQueue'], 'queue', target.deadLetterQueue);
    const transforms = ['input', 'inputPath', 'inputTransformer'].filter((k) => k in target);
    if (transforms.length > 1) ctx.add([...at, transforms[1]!], `cannot be combined with ${transforms[0]}`, 'a target uses at most one of input, inputPath and inputTransformer');
    if (typeof target.inputPath === 'string' && !target.inputPath.startsWith('$')) {
      ctx.add([...at, 'inputPath'], `"${target.inputPath}" is not a JSONPath`, 'start it with $, e.g. "$.detail"');
    }
    if (isObject(target.inputTransformer) && isObject(target.inputTransformer.inputPathsMap)) {
      for (const [key, jsonPath] of Object.entries(target.inputTransformer.inputPathsMap)) {
        if (typeof jsonPath === 'string' && !jsonPath.startsWith('$')) {
          ctx.add([...at, 'inputTransformer', 'inputPathsMap', key], `"${jsonPath}" is not a JSONPath`, 'start it with $, e.g. "$.detail.id"');
        }
      }
    }
    const id = ids[index]!;
    const earlier = firstIndexOfId.get(id);
    if (earlier !== undefined) ctx.add([...at, 'id'], `repeats the id "${id}" of targets[${earlier}]`, 'target ids must be unique within a rule');
    else firstIndexOfId.set(id, index);
  });
}
