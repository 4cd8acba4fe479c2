// S3 → SQS: for each uploaded job_offers/*.csv, reads the object and sends one message per data row to
// job_offers_queue. Rows are not checked here: sqs_to_dynamo decides what a good job is.
// The SDK v3 comes with Lambda's Node.js runtimes (and with evlab's engine), so the zip does not carry it;
// the clients go to AWS_ENDPOINT_URL where the engine or LocalStack sets it, else to AWS.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueUrlCommand, SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parseCsv } from './csv.mjs';

// A local endpoint is an address, not a name buckets can be subdomains of: address buckets by path there.
const s3 = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL) });
const sqs = new SQSClient({});
const SEND_BATCH_MAX = 10; // entries per SendMessageBatch, as on AWS
let queueUrl;

export async function handler(event) {
  queueUrl ??= (await sqs.send(new GetQueueUrlCommand({ QueueName: process.env.QUEUE_NAME }))).QueueUrl;
  let sent = 0;
  for (const record of event.Records ?? []) {
    const bucket = record.s3.bucket.name;
    // Keys arrive URL-encoded, spaces as +.
    const key = decodeURIComponent(record.s3.object.key.replace(/\+/g, ' '));
    const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const rows = parseCsv(await object.Body.transformToString());
    for (let start = 0; start < rows.length; start += SEND_BATCH_MAX) {
      const entries = rows.slice(start, start + SEND_BATCH_MAX).map((row, i) => ({
        Id: String(start + i),
        MessageBody: JSON.stringify({ ...row, source: `s3://${bucket}/${key}`, line: start + i + 2 }),
      }));
      const result = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      // SendMessageBatch fails per entry, not per call.
      if (result.Failed?.length) throw new Error(`SQS refused ${result.Failed.length} rows of ${key}: ${result.Failed[0].Code} ${result.Failed[0].Message ?? ''}`);
      sent += entries.length;
    }
    console.log(JSON.stringify({ msg: 'csv sent', bucket, key, rows: rows.length }));
  }
  return { sent };
}
