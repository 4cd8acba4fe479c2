import { describe, it } from 'vitest';
import { checkNothingLost } from './nothing-lost-check.js';

// The same accounting when the lambda ends its own process on every poison event; see nothing-lost-check.ts.
describe('nothing lost: a lambda that crashes its process on poison events', () => {
  it('Python (os._exit)', () => checkNothingLost('python', 'exit'), 60_000);
  it('Node.js (process.exit)', () => checkNothingLost('node', 'exit'), 60_000);
});
