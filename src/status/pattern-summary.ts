/**
 * One line for an event pattern: `source=cli detail-type=a|b detail.amount=>100`. Leaves are joined with `|`
 * (EventBridge's OR within a field), fields with spaces (AND); content filters keep their operator.
 */
export function summarizePattern(pattern: unknown): string {
  const parts: string[] = [];
  walk(pattern, [], parts);
  return parts.join(' ');
}

function walk(node: unknown, path: string[], parts: string[]): void {
  if (Array.isArray(node)) {
    parts.push(`${path.join('.') || '(top)'}=${node.map(leaf).join('|')}`);
    return;
  }
  if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$or' && Array.isArray(value)) {
        parts.push(`(${value.map((alt) => summarizePattern(alt)).join(' OR ')})`);
        continue;
      }
      walk(value, [...path, key], parts);
    }
    return;
  }
  parts.push(`${path.join('.') || '(top)'}=${leaf(node)}`);
}

function leaf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return String(value);
  const [op, arg] = Object.entries(value as Record<string, unknown>)[0] ?? ['?', undefined];
  switch (op) {
    case 'exists':
      return arg ? '(exists)' : '(absent)';
    case 'numeric':
      return Array.isArray(arg) ? arg.join('') : `numeric:${JSON.stringify(arg)}`;
    case 'prefix':
    case 'suffix':
    case 'wildcard':
    case 'equals-ignore-case':
    case 'cidr':
      return typeof arg === 'string' ? `${op}:${arg}` : `${op}:${JSON.stringify(arg)}`;
    case 'anything-but':
      return `not:${Array.isArray(arg) ? arg.map(leaf).join(',') : leaf(arg)}`;
    default:
      return `${op}:${JSON.stringify(arg)}`;
  }
}
