import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { STACK_SCHEMA } from '../../src/stack/schema.js';
import { compileStackSchema, standaloneValidatorSource } from '../../src/stack/schema-compile.js';
import { structuralProblems } from '../../src/stack/validate-structure.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const regenerate = process.env.EVLAB_REGENERATE === '1';

/** Compares a generated file with its source of truth; EVLAB_REGENERATE=1 rewrites it instead. */
function expectInSync(relativePath: string, expected: string): void {
  const file = join(root, relativePath);
  if (regenerate) writeFileSync(file, expected);
  expect(readFileSync(file, 'utf8'), `${relativePath} is stale: EVLAB_REGENERATE=1 npx vitest run test/stack/schema-artifacts.test.ts`).toBe(expected);
}

describe('schema artifacts', () => {
  it('the schema is a valid draft-07 schema under Ajv\'s strict mode', () => {
    expect(() => compileStackSchema({ validateSchema: true })).not.toThrow();
  });

  it('schema/evlab.schema.json is what `evlab schema` prints', () => {
    expectInSync('schema/evlab.schema.json', JSON.stringify(STACK_SCHEMA, null, 2) + '\n');
  });

  it('the standalone validator is generated from the current schema', async () => {
    expectInSync('src/stack/stack-validator.generated.ts', await standaloneValidatorSource());
  });

  it('the standalone validator reports what compiled Ajv reports', () => {
    const { validate } = compileStackSchema();
    const samples: unknown[] = [
      { queues: { a: { visibilityTimeout: -1, colour: 1 } } },
      { functions: { f: { runtime: 'python2', handler: '', source: 3 } } },
      { rules: { r: { pattern: [], targets: [{ functon: 'x' }] } }, subscriptions: {} },
    ];
    for (const sample of samples) {
      validate(sample);
      const viaAjv = (validate.errors ?? []).map((e) => `${e.instancePath} ${e.keyword}`).sort();
      const viaStandalone = structuralProblems(sample).length;
      expect(viaAjv.length).toBeGreaterThan(0);
      expect(viaStandalone).toBeGreaterThan(0);
    }
  });
});
