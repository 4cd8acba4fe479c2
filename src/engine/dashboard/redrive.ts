import type { Connection } from '../../aws/connect.js';

export interface RedriveAnswer {
  queue: string;
  /** `function <name>`, `queue <name>` or `source queues <names>`: where the dead letters went back to. */
  to: string;
  redriven: number;
  failed: number;
  failureReason?: string;
}

/**
 * The dashboard's Redrive button: `evlab dlq redrive <queue>` (src/dlq/), so both hand each dead letter back to
 * where it came from and delete it only once handed on (on the engine, as a message move task).
 */
export async function redriveFromDashboard(conn: Connection, queue: string, projectDir: string): Promise<RedriveAnswer> {
  const [{ findDeadLetterQueues }, { resolveDestination, redrive }] = await Promise.all([import('../../dlq/discover.js'), import('../../dlq/redrive.js')]);
  const signal = new AbortController().signal;
  const dlq = (await findDeadLetterQueues(conn, undefined, signal)).find((q) => q.name === queue);
  if (!dlq) throw new RedriveError(`${queue} is not a dead-letter queue at this engine (no function, queue or rule target sends its failures there)`);
  const destination = await resolveDestination(conn, dlq, undefined, signal);
  const result = await redrive(conn, dlq, destination, { signal, progress: () => undefined, projectDir });
  const to = destination.kind === 'source' ? `source queue ${destination.name}` : `${destination.kind} ${destination.name}`;
  return {
    queue,
    to,
    redriven: result.handedOn + result.alreadyHandedOn,
    failed: result.failureReason ? 1 : 0,
    ...(result.failureReason ? { failureReason: result.failureReason } : {}),
  };
}

export class RedriveError extends Error {}
