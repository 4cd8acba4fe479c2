/**
 * The JSONPath subset EventBridge evaluates for InputPath and InputPathsMap: `$`, dot notation (names may
 * hold dashes, underscores, slashes), array indices and `*` wildcards. A wildcard yields the list of what it
 * reached. Anything else is refused at PutTargets, as AWS does.
 */

type Step = { kind: 'key'; key: string } | { kind: 'index'; index: number } | { kind: 'wildcard' };

export interface JsonPath {
  readonly text: string;
  readonly steps: readonly Step[];
}

/** Returns the compiled path, or a reason it is not one. */
export function compileJsonPath(text: string): JsonPath | string {
  if (!text.startsWith('$')) return 'a JSON path must start with $';
  const steps: Step[] = [];
  let i = 1;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i + 1, j);
      if (!name) return `empty name at position ${i + 1}`;
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'key', key: name });
      i = j;
    } else if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) return `unclosed [ at position ${i}`;
      const inner = text.slice(i + 1, close).trim();
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) steps.push({ kind: 'key', key: inner.slice(1, -1) });
      else return `unsupported selector [${inner}]`;
      i = close + 1;
    } else {
      return `unexpected character '${c}' at position ${i}`;
    }
  }
  return { text, steps };
}

/** The value the path reaches in `root`, or undefined when it reaches nothing. */
export function evaluateJsonPath(path: JsonPath, root: unknown): unknown {
  return walk(root, path.steps, 0);
}

function walk(value: unknown, steps: readonly Step[], at: number): unknown {
  if (at === steps.length) return value;
  if (value === null || typeof value !== 'object') return undefined;
  const step = steps[at];
  if (step.kind === 'key') {
    if (Array.isArray(value)) return undefined;
    const record = value as Record<string, unknown>;
    return Object.prototype.hasOwnProperty.call(record, step.key) ? walk(record[step.key], steps, at + 1) : undefined;
  }
  if (step.kind === 'index') {
    return Array.isArray(value) ? walk(value[step.index], steps, at + 1) : undefined;
  }
  const children = Array.isArray(value) ? value : Object.values(value);
  const reached: unknown[] = [];
  for (const child of children) {
    const r = walk(child, steps, at + 1);
    if (r !== undefined) reached.push(r);
  }
  return reached;
}
