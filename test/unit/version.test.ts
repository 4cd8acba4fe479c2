import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { ENGINE_VERSION } from '../../src/engine/version.js';

describe('version', () => {
  it('the literal the CLI and engine report matches package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(pkg.version);
  });
});
