import { createHash } from 'node:crypto';
import { DynamoDbError } from './wire.js';

/** AWS: a ClientRequestToken is valid for 10 minutes after the first request that used it completed. */
export const TOKEN_WINDOW_MS = 10 * 60_000;
/** Bound on remembered tokens; the oldest go first (counted in `dropped`, shown in /_evlab/health → stores). */
const MAX_TOKENS = 10_000;

interface Remembered {
  payload: string;
  at: number;
  result: Record<string, unknown>;
}

/**
 * TransactWriteItems idempotency: a successful transaction's token, replayed with the same request within the window,
 * answers the same result and changes nothing; with a different request, IdempotentParameterMismatchException.
 */
export class TransactionTokens {
  private readonly tokens = new Map<string, Remembered>();
  dropped = 0;

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    this.expire();
    return this.tokens.size;
  }

  /** The remembered result for this token and request, undefined when the token is new (or expired). */
  replay(token: string, request: Record<string, unknown>): Record<string, unknown> | undefined {
    this.expire();
    const seen = this.tokens.get(token);
    if (!seen) return undefined;
    if (seen.payload !== digest(request)) {
      throw new DynamoDbError('IdempotentParameterMismatchException', 'Specified idempotent token was used with different request parameters within the idempotency window');
    }
    return seen.result;
  }

  remember(token: string, request: Record<string, unknown>, result: Record<string, unknown>): void {
    this.tokens.set(token, { payload: digest(request), at: this.now(), result });
    while (this.tokens.size > MAX_TOKENS) {
      this.tokens.delete(this.tokens.keys().next().value!);
      this.dropped++;
    }
  }

  private expire(): void {
    // Insertion order is completion order: stop at the first token still inside its window.
    for (const [token, seen] of this.tokens) {
      if (this.now() - seen.at < TOKEN_WINDOW_MS) break;
      this.tokens.delete(token);
    }
  }
}

/** The request without its token: what must be the same for a replay (AWS: a change in any other parameter is a mismatch). */
function digest(request: Record<string, unknown>): string {
  const { ClientRequestToken: _token, ...rest } = request;
  return createHash('sha256').update(JSON.stringify(rest)).digest('hex');
}
