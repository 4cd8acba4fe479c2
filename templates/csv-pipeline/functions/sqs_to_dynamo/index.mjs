// SQS → DynamoDB: writes each job message to the job_offers table (hash key id, range key city). A malformed
// row throws: the message returns to the queue, and after 4 receives its redrive policy moves it to job_offers_dlq.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

export async function handler(event) {
  for (const record of event.Records) {
    const job = toJob(JSON.parse(record.body));
    await db.send(new PutCommand({ TableName: TABLE, Item: job }));
    console.log(JSON.stringify({ msg: 'job stored', id: job.id, city: job.city, messageId: record.messageId }));
  }
}

/** The item of a row, or an error naming what is wrong and the CSV line. */
export function toJob(row) {
  const problems = [];
  if (!row.id?.trim()) problems.push('id is empty');
  if (!row.city?.trim()) problems.push('city is empty');
  if (!row.title?.trim()) problems.push('title is empty');
  const salary = Number(row.salary);
  if (row.salary === undefined || row.salary.trim() === '' || !Number.isFinite(salary)) problems.push(`salary "${row.salary ?? ''}" is not a number`);
  if (problems.length) throw new Error(`malformed row at line ${row.line} of ${row.source}: ${problems.join(', ')}`);
  return { id: row.id.trim(), city: row.city.trim(), title: row.title.trim(), salary, source: row.source };
}
