import type { Connection } from '../aws/connect.js';
import type { Output } from '../ui/output.js';
import type { WaitResult } from './wait.js';

export type WaitOutcome = WaitResult & { note?: string; error?: string };

/**
 * The `--wait` of `fire` and `upload`: waits on a watch started before the work was sent, says how it waits
 * (progress on stderr), and returns what it saw, with a note on endpoints that have no idle signal.
 */
export async function waitForWork(
  watch: { wait(timeoutMs: number, signal: AbortSignal): Promise<WaitResult> },
  conn: Connection,
  options: { hasStack: boolean; timeoutMs: number; signal: AbortSignal; out: Output },
): Promise<{ wait: WaitOutcome; failed: boolean }> {
  const { out } = options;
  const engine = conn.endpoint.kind === 'evlab';
  if (!out.json) out.progress(engine ? 'waiting for the engine to be idle…' : 'waiting until the stack\'s queues and tables stop changing…');
  try {
    const waited = await watch.wait(options.timeoutMs, options.signal);
    const note = !options.hasStack
      ? 'no stack file: no queues or tables to compare'
      : !engine
        ? `${conn.endpoint.label} has no idle signal: settled means no count changed for a quiet window (retries of failed async invocations may come later)`
        : undefined;
    return { wait: { ...waited, note }, failed: !waited.settled };
  } catch (err) {
    if (options.signal.aborted) return { wait: { settled: false, method: 'quiet-window', waitedMs: 0, interrupted: true }, failed: true };
    return { wait: { settled: false, method: engine ? 'idle-signal' : 'quiet-window', waitedMs: 0, error: (err as Error).message }, failed: true };
  }
}
