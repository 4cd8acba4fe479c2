import { describe, it } from 'vitest';
import { checkNothingLost } from './nothing-lost-check.js';

// The same accounting when the lambda runs past its timeout on every poison event; see nothing-lost-check.ts.
describe('nothing lost: a lambda that times out on poison events', () => {
  it('Python (sleeps past the timeout)', () => checkNothingLost('python', 'timeout'), 60_000);
  it('Node.js (waits past the timeout)', () => checkNothingLost('node', 'timeout'), 60_000);
});
