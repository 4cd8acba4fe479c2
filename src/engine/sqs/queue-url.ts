/** Where a queue URL points: the queue name, plus the region when the URL names one. */
export interface QueueAddress {
  name: string;
  accountId: string;
  region?: string;
}

const ACCOUNT = /^\d{12}$/;
// sqs.<region>.amazonaws.com, sqs.<region>.localhost.localstack.cloud (LocalStack's "standard" strategy).
const SQS_HOST = /(?:^|\.)sqs\.([a-z0-9-]+)\.(?:amazonaws\.com(?:\.cn)?|localhost\.localstack\.cloud)$/;
// <region>.queue.localhost.localstack.cloud (LocalStack's "domain" strategy).
const QUEUE_HOST = /^([a-z0-9-]+)\.queue\.localhost\.localstack\.cloud$/;

/**
 * Accepts every queue URL form clients bring: the engine's own `http://localhost:PORT/<account>/<name>`,
 * AWS's `https://sqs.<region>.amazonaws.com/<account>/<name>`, LocalStack's host- and path-style URLs
 * (`/queue/<region>/<account>/<name>`), and a bare path (query clients posting to the queue URL itself).
 */
export function parseQueueUrl(value: string): QueueAddress | undefined {
  let host = '';
  let path = value;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    try {
      const url = new URL(value);
      host = url.hostname.toLowerCase();
      path = decodeURIComponent(url.pathname);
    } catch {
      return undefined;
    }
  }
  const parts = path.split('/').filter(Boolean);
  let region = SQS_HOST.exec(host)?.[1] ?? QUEUE_HOST.exec(host)?.[1];
  if (host === 'queue.amazonaws.com') region = 'us-east-1';
  if (parts.length === 2 && ACCOUNT.test(parts[0])) return { accountId: parts[0], name: parts[1], region };
  if (parts.length === 4 && parts[0] === 'queue' && ACCOUNT.test(parts[2])) return { region: parts[1], accountId: parts[2], name: parts[3] };
  return undefined;
}

/** The path a query-protocol client posted to, when it is a queue URL's path. */
export function queuePathOf(path: string): string | undefined {
  return path !== '/' && parseQueueUrl(path) ? path : undefined;
}
