/** A location inside a JSON document, as path segments: object keys and array indices. */
export type JsonPath = readonly (string | number)[];

const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

/**
 * Renders a path the way people read it: `functions.lambda-testing.deadLetterQueue`,
 * `rules.cli-events.targets[0].queue`; keys with dots or spaces are quoted: `tables["my.table"]`.
 */
export function formatPath(path: JsonPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text === '' ? '(top level)' : text;
}

/** Converts an Ajv instancePath (a JSON pointer) to segments, using the data to tell array indices from keys. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(node) && /^\d+$/.test(key)) {
      path.push(Number(key));
      node = node[Number(key)];
    } else {
      path.push(key);
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
  }
  return path;
}

/** True when `inner` is `outer` or lies below it. */
export function isWithin(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(outer + '.') || inner.startsWith(outer + '[');
}
