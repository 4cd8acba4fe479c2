import { RUNTIMES } from './runtimes.js';

/**
 * The JSON Schema of the stack file: the structural half of validation (Ajv) and what editors use for
 * completion through "$schema". `evlab schema` prints it; schema/evlab.schema.json is a copy kept in sync
 * by a test (regenerate with `node bin/evlab schema > schema/evlab.schema.json`).
 *
 * Cross-references (a DLQ naming a declared queue), event patterns, source folders and handler files are
 * checked in code (validate-semantics.ts): JSON Schema cannot express them with useful messages.
 */
const int = (description: string, minimum: number, maximum: number, extra: Record<string, unknown> = {}) => ({
  type: 'integer',
  description,
  minimum,
  maximum,
  ...extra,
});

const queueName = { type: 'string', description: 'Name of a queue declared under "queues".' };
/** The S3 event types a notification may name. */
export const S3_EVENTS = [
  's3:ObjectCreated:*',
  's3:ObjectCreated:Put',
  's3:ObjectCreated:Post',
  's3:ObjectCreated:Copy',
  's3:ObjectCreated:CompleteMultipartUpload',
  's3:ObjectRemoved:*',
  's3:ObjectRemoved:Delete',
  's3:ObjectRemoved:DeleteMarkerCreated',
] as const;
const functionName = { type: 'string', description: 'Name of a function declared under "functions".' };

const keySchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'type'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255, description: 'Attribute name.' },
    type: { enum: ['S', 'N', 'B'], description: 'Attribute type: S (string), N (number) or B (binary, base64 in seed items).' },
  },
};

export const STACK_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://evlab.dev/schema/evlab.schema.json',
  title: 'evlab stack file',
  description:
    'Resources evlab creates on a local AWS-compatible endpoint, by their AWS names. `evlab setup` creates or repairs them, `evlab teardown` deletes them.',
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string', description: 'Path or URL of this schema, for editors.' },
    region: {
      type: 'string',
      pattern: '^[a-z]{2}(-[a-z]+)+-\\d+$',
      description: 'AWS region (default us-east-1). --region and $AWS_REGION take precedence.',
      examples: ['us-east-1', 'eu-west-1'],
    },
    endpoint: {
      type: 'string',
      description: 'Endpoint URL used when neither --endpoint, $EVLAB_ENDPOINT nor $AWS_ENDPOINT_URL is set.',
      examples: ['http://127.0.0.1:4566'],
    },
    role: {
      type: 'string',
      pattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
      description: 'Execution role ARN given to every function. Default arn:aws:iam::000000000000:role/lambda-role (created by setup where the endpoint needs it).',
    },
    queues: {
      type: 'object',
      description: 'SQS queues by name.',
      // A FIFO queue's name ends in .fifo (80 characters in all).
      propertyNames: { pattern: '^(?=.{1,80}$)[A-Za-z0-9_-]+(\\.fifo)?$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          visibilityTimeout: int('Seconds a received message stays invisible (default 30).', 0, 43200),
          delaySeconds: int('Delivery delay in seconds (default 0).', 0, 900),
          messageRetentionPeriod: int('Seconds a message is kept (default 345600, 4 days).', 60, 1209600),
          receiveMessageWaitTimeSeconds: int('Long-poll wait in seconds (default 0).', 0, 20),
          deadLetterQueue: { ...queueName, description: 'Queue that receives messages after maxReceiveCount receives.' },
          maxReceiveCount: int('Receives before a message moves to deadLetterQueue.', 1, 1000),
          fifo: { type: 'boolean', description: 'A FIFO queue (default: true when the name ends in .fifo). Fixed when the queue is created.' },
          contentBasedDeduplication: { type: 'boolean', description: 'FIFO queues: deduplicate by a hash of the body (default false).' },
        },
      },
    },
    tables: {
      type: 'object',
      description: 'DynamoDB tables (on-demand billing) by name.',
      propertyNames: { pattern: '^[A-Za-z0-9_.-]{3,255}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['partitionKey'],
        properties: {
          partitionKey: { ...keySchema, description: 'Partition (HASH) key.' },
          sortKey: { ...keySchema, description: 'Sort (RANGE) key.' },
          seed: {
            type: 'array',
            description: 'Items written when setup creates the table (never on later runs).',
            items: { type: 'object' },
          },
        },
      },
    },
    functions: {
      type: 'object',
      description: 'Lambda functions by name.',
      propertyNames: { pattern: '^[A-Za-z0-9_-]{1,64}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['runtime', 'handler', 'source'],
        properties: {
          runtime: { enum: [...RUNTIMES], description: 'Lambda runtime. The evlab engine runs nodejs*, python* and provided* on this machine.' },
          handler: { type: 'string', minLength: 1, maxLength: 128, description: 'file.function, e.g. app.handler (app.py) or index.handler (index.js).' },
          source: { type: 'string', minLength: 1, description: 'Folder with the code, relative to the stack file. Packaged deterministically; node_modules included, requirements.txt installed.' },
          timeout: int('Seconds before the invocation is stopped (default 3).', 1, 900),
          memorySize: int('Memory in MB (default 128).', 128, 10240),
          environment: {
            type: 'object',
            description: 'Environment variables (string values).',
            propertyNames: { pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
            additionalProperties: { type: 'string' },
          },
          deadLetterQueue: { ...queueName, description: 'Queue that receives async events after the last failed attempt (DeadLetterConfig).' },
          maxRetryAttempts: int('Retries of a failed async invocation (default 2).', 0, 2),
          maxEventAgeSeconds: int('Maximum age of an async event (default 21600).', 60, 21600),
          onFailure: {
            type: 'object',
            additionalProperties: false,
            required: ['queue'],
            description: 'Async failure destination.',
            properties: { queue: queueName },
          },
          onSuccess: {
            type: 'object',
            additionalProperties: false,
            required: ['queue'],
            description: 'Async success destination.',
            properties: { queue: queueName },
          },
          description: { type: 'string', maxLength: 256, description: 'Function description.' },
          url: { type: 'boolean', description: 'Give the function a URL (auth NONE) that invokes it over plain HTTP; `evlab call --url-of <function>` calls it.' },
        },
      },
    },
    buses: {
      type: 'object',
      description: 'Custom event buses by name ("default" always exists).',
      propertyNames: { pattern: '^[/.\\-_A-Za-z0-9]{1,256}$' },
      additionalProperties: { type: 'object', additionalProperties: false, properties: {} },
    },
    rules: {
      type: 'object',
      description: 'EventBridge rules by name.',
      propertyNames: { pattern: '^[.\\-_A-Za-z0-9]{1,64}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['targets'],
        anyOf: [{ required: ['pattern'] }, { required: ['schedule'] }],
        properties: {
          bus: { type: 'string', description: 'Event bus of the rule (default "default").' },
          pattern: { type: 'object', description: 'EventBridge event pattern, e.g. {"source": ["cli"]}. A rule has a pattern, a schedule, or both.' },
          schedule: { type: 'string', pattern: '^(rate|cron)\\(.+\\)$', description: 'ScheduleExpression: "rate(5 minutes)" or "cron(0 12 * * ? *)" (default bus only).' },
          description: { type: 'string', maxLength: 512 },
          enabled: { type: 'boolean', description: 'Default true.' },
          targets: {
            type: 'array',
            maxItems: 5,
            description: 'Up to 5 targets; each names exactly one of function, queue, logGroup, bus.',
            items: {
              type: 'object',
              additionalProperties: false,
              oneOf: [{ required: ['function'] }, { required: ['queue'] }, { required: ['logGroup'] }, { required: ['bus'] }],
              properties: {
                function: functionName,
                queue: queueName,
                logGroup: { type: 'string', description: 'CloudWatch Logs group (EventBridge requires the /aws/events/ prefix).' },
                bus: { type: 'string', description: 'Another event bus.' },
                id: { type: 'string', pattern: '^[.\\-_A-Za-z0-9]{1,64}$', description: 'Target id (default: derived from the target name, stable across runs).' },
                input: { description: 'Constant JSON sent instead of the event.' },
                inputPath: { type: 'string', description: 'JSONPath of the part of the event to send, e.g. $.detail.' },
                inputTransformer: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['inputTemplate'],
                  properties: {
                    inputPathsMap: { type: 'object', additionalProperties: { type: 'string' } },
                    inputTemplate: { type: 'string' },
                  },
                },
                deadLetterQueue: { ...queueName, description: 'Queue that gets the events EventBridge could not deliver to this target (DeadLetterConfig).' },
                retryPolicy: {
                  type: 'object',
                  additionalProperties: false,
                  description: 'How long EventBridge retries this target (defaults 185 attempts, 86400 s).',
                  properties: {
                    maximumRetryAttempts: int('Retries before the event is dropped or sent to deadLetterQueue.', 0, 185),
                    maximumEventAgeSeconds: int('Age after which an event is no longer retried.', 60, 86400),
                  },
                },
              },
            },
          },
        },
      },
    },
    subscriptions: {
      type: 'array',
      description: 'Event source mappings: a function consuming a queue.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['queue', 'function'],
        properties: {
          queue: queueName,
          function: functionName,
          batchSize: int('Messages per invocation (default 10).', 1, 10000),
          maximumBatchingWindowSeconds: int('Seconds to gather a batch (default 0).', 0, 300),
          enabled: { type: 'boolean', description: 'Default true.' },
          reportBatchItemFailures: { type: 'boolean', description: 'FunctionResponseTypes [ReportBatchItemFailures]: the function returns {"batchItemFailures": [...]} and only those messages return to the queue.' },
        },
      },
    },
    buckets: {
      type: 'object',
      description: 'S3 buckets by name.',
      propertyNames: { pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        properties: {
          objects: { type: 'string', minLength: 1, description: 'Folder (relative to the stack file) whose files setup uploads when it creates the bucket; keys are the paths inside the folder.' },
          notifications: {
            type: 'array',
            description: 'Where S3 sends object events: each entry names exactly one of function, queue, eventBridge.',
            items: {
              type: 'object',
              additionalProperties: false,
              oneOf: [{ required: ['function'] }, { required: ['queue'] }, { required: ['eventBridge'] }],
              properties: {
                function: { ...functionName, description: 'Function invoked asynchronously with the S3 event (setup adds the invoke permission).' },
                queue: { ...queueName, description: 'Queue that receives the S3 event as a message.' },
                eventBridge: { const: true, description: 'Send every object event to the default bus ("Object Created", "Object Deleted"); filter with a rule.' },
                events: { type: 'array', minItems: 1, items: { enum: [...S3_EVENTS] }, description: 'Event types (default ["s3:ObjectCreated:*"]).' },
                prefix: { type: 'string', minLength: 1, maxLength: 1024, description: 'Only keys that start with this, e.g. "uploads/".' },
                suffix: { type: 'string', minLength: 1, maxLength: 1024, description: 'Only keys that end with this, e.g. ".csv".' },
              },
            },
          },
        },
      },
    },
    apis: {
      type: 'object',
      description: 'API Gateway APIs by name, each route a Lambda proxy integration.',
      propertyNames: { pattern: '^[A-Za-z0-9_-]{1,64}$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['routes'],
        properties: {
          type: { enum: ['http', 'rest'], description: '"http": an HTTP API (API Gateway v2, default); "rest": a REST API (v1).' },
          stage: { type: 'string', pattern: '^(\\$default|[A-Za-z0-9_-]{1,128})$', description: 'Stage name (default "$default" for HTTP APIs, "dev" for REST APIs); it is the first segment of the invoke URL\'s path, except $default.' },
          accessLog: { type: 'string', pattern: '^[.\\-_/#A-Za-z0-9]{1,512}$', description: 'Log group the stage writes its access log to (created by setup).' },
          routes: {
            type: 'object',
            minProperties: 1,
            description: 'By route key: "ANY /{proxy+}", "GET /items/{id}", "$default" (HTTP APIs).',
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['function'],
              properties: {
                function: { ...functionName, description: 'Function the route invokes (setup adds the invoke permission).' },
                payloadFormat: { enum: ['2.0', '1.0'], description: 'HTTP APIs: the Lambda event format (default "2.0"); REST APIs always send 1.0.' },
                overwritePath: {
                  type: ['boolean', 'string'],
                  description: 'HTTP APIs: the integration\'s overwrite:path; true means "$request.path", so a named stage\'s prefix does not reach the handler.',
                },
              },
            },
          },
        },
      },
    },
  },
} as const;
