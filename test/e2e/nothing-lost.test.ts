import { describe, it } from 'vitest';
import { checkNothingLost } from './nothing-lost-check.js';

// 200 events, 20 poison, on the engine with 100 ms retry delays; see nothing-lost-check.ts.
describe('nothing lost: a lambda that raises on poison events', () => {
  it('Python (raise)', () => checkNothingLost('python', 'error'), 60_000);
  it('Node.js (throw)', () => checkNothingLost('node', 'error'), 60_000);
});
