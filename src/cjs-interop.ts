/**
 * The exports object of a CommonJS package loaded with `import()`. Node gives a namespace with the named
 * exports it detects and `default` (= module.exports); in the CLI bundle, esbuild's chunk for a CommonJS
 * package exports only `default`, so named access on the namespace finds nothing there. `default` is the
 * same object in both.
 */
export function commonJsExports<T extends object>(namespace: T): T {
  return ((namespace as { default?: T }).default ?? namespace) as T;
}
