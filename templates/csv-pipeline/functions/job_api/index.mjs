// The job API behind the HTTP API job_api_gw (route ANY /{proxy+}, payload 2.0). overwrite:path gives the
// handler the path without the stage, so GET <invoke URL>/dev/v1/jobs arrives as GET /v1/jobs.
//   GET    /v1/jobs               every job: {"count": n, "jobs": [...]}
//   GET    /v1/jobs/{id}          the jobs with that id (one per city)
//   POST   /v1/jobs               {"id", "city", "title", "salary"} → 201 and the job
//   DELETE /v1/jobs/{id}?city=C   removes that job (without city: every city of the id)
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';

const db = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const TABLE = process.env.TABLE_NAME;

export async function handler(event) {
  const method = event.requestContext?.http?.method ?? 'GET';
  const path = event.rawPath ?? '/';
  try {
    const match = /^\/v1\/jobs(?:\/([^/]+))?\/?$/.exec(path);
    if (!match) return reply(404, { message: `no route for ${method} ${path}` });
    const id = match[1] ? decodeURIComponent(match[1]) : undefined;
    if (method === 'GET') return reply(200, id ? await jobsWithId(id) : await allJobs());
    if (method === 'POST' && !id) return await create(event);
    if (method === 'DELETE' && id) return await remove(id, event.queryStringParameters?.city);
    return reply(405, { message: `${method} is not allowed on ${path}` });
  } catch (err) {
    console.error(err);
    return reply(500, { message: 'internal error' });
  }
}

async function allJobs() {
  const jobs = [];
  let ExclusiveStartKey;
  do {
    const page = await db.send(new ScanCommand({ TableName: TABLE, ExclusiveStartKey }));
    jobs.push(...page.Items);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  jobs.sort((a, b) => a.id.localeCompare(b.id) || a.city.localeCompare(b.city));
  return { count: jobs.length, jobs };
}

async function jobsWithId(id) {
  const page = await db.send(new QueryCommand({ TableName: TABLE, KeyConditionExpression: 'id = :id', ExpressionAttributeValues: { ':id': id } }));
  return { count: page.Items.length, jobs: page.Items };
}

async function create(event) {
  let body;
  try {
    body = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString() : (event.body ?? ''));
  } catch {
    return reply(400, { message: 'the body must be a JSON job' });
  }
  const problems = [];
  if (typeof body.city !== 'string' || !body.city.trim()) problems.push('city is required');
  if (typeof body.title !== 'string' || !body.title.trim()) problems.push('title is required');
  if (typeof body.salary !== 'number') problems.push('salary must be a number');
  if (problems.length) return reply(400, { message: problems.join(', ') });
  const job = { id: typeof body.id === 'string' && body.id ? body.id : randomUUID(), city: body.city.trim(), title: body.title.trim(), salary: body.salary, source: 'api' };
  await db.send(new PutCommand({ TableName: TABLE, Item: job }));
  return reply(201, job);
}

async function remove(id, city) {
  const cities = city ? [city] : (await jobsWithId(id)).jobs.map((j) => j.city);
  const deleted = [];
  for (const c of cities) {
    // ALL_OLD says whether there was a job to delete.
    const result = await db.send(new DeleteCommand({ TableName: TABLE, Key: { id, city: c }, ReturnValues: 'ALL_OLD' }));
    if (result.Attributes) deleted.push({ id, city: c });
  }
  return deleted.length ? reply(200, { deleted }) : reply(404, { message: `no job ${id}${city ? ` in ${city}` : ''}` });
}

function reply(statusCode, body) {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
