import { Ajv, type Options, type ValidateFunction } from 'ajv';
import { STACK_SCHEMA } from './schema.js';

/**
 * Ajv options of the stack validator. verbose: errors carry their parentSchema, which lists the known keys
 * for "did you mean" hints. Commands do not compile the schema at run time: they use the standalone
 * validator generated from these options (stack-validator.generated.ts, ~80 ms faster per command).
 */
export const AJV_OPTIONS: Options = { allErrors: true, verbose: true, strict: true, strictTypes: false, strictRequired: false };

/** Compiles the schema with every check on (tests, and generating the standalone validator). */
export function compileStackSchema(extra: Options = {}): { ajv: Ajv; validate: ValidateFunction } {
  const ajv = new Ajv({ ...AJV_OPTIONS, ...extra });
  return { ajv, validate: ajv.compile(STACK_SCHEMA) };
}

/** Source of the standalone validator module, as committed in src/stack/stack-validator.generated.ts. */
export async function standaloneValidatorSource(): Promise<string> {
  const { ajv, validate } = compileStackSchema({ code: { source: true, esm: true } });
  // A CommonJS module: its default export arrives as `default` or `default.default` depending on the loader.
  type Standalone = (ajv: Ajv, validate: ValidateFunction) => string;
  const loaded = (await import('ajv/dist/standalone/index.js')) as unknown as { default: Standalone | { default: Standalone } };
  const standalone = typeof loaded.default === 'function' ? loaded.default : loaded.default.default;
  // The only runtime helper the schema needs is ucs2length (minLength/maxLength count code points);
  // inlined so the module imports nothing.
  const code = standalone(ajv, validate).replace(/require\("ajv\/dist\/runtime\/ucs2length"\)\.default/g, '((text) => [...text].length)');
  if (code.includes('require(')) throw new Error('the standalone validator needs an Ajv runtime helper that is not inlined');
  return [
    '// @ts-nocheck',
    '/* Generated from src/stack/schema.ts by Ajv (standalone code); do not edit.',
    '   Regenerate: EVLAB_REGENERATE=1 npx vitest run test/stack/schema-artifacts.test.ts */',
    code,
    '',
  ].join('\n');
}
