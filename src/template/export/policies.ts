/**
 * IAM for an exported stack. SAM policy templates (the common ones, with the statements AWS's policy template
 * list gives them) are written out as plain policy documents, so the export needs no transform; and each
 * function's role gets least-privilege statements for what the stack wires it to.
 */
type Statement = { Effect: 'Allow'; Action: string | string[]; Resource: unknown };

const sub = (text: string, vars: Record<string, unknown>) => ({ 'Fn::Sub': [text, vars] });

/** A SAM policy template name → statements, given its parameters. */
const TEMPLATES: Record<string, (p: Record<string, unknown>) => Statement[]> = {
  DynamoDBCrudPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable', 'dynamodb:ConditionCheckItem'],
      Resource: [
        sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}', { tableName: p.TableName }),
        sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*', { tableName: p.TableName }),
      ],
    },
  ],
  DynamoDBReadPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:Scan', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:DescribeTable'],
      Resource: [
        sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}', { tableName: p.TableName }),
        sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}/index/*', { tableName: p.TableName }),
      ],
    },
  ],
  DynamoDBWritePolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:BatchWriteItem'],
      Resource: [sub('arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${tableName}', { tableName: p.TableName })],
    },
  ],
  SQSSendMessagePolicy: (p) => [
    { Effect: 'Allow', Action: ['sqs:SendMessage*'], Resource: sub('arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}', { queueName: p.QueueName }) },
  ],
  SQSPollerPolicy: (p) => [
    {
      Effect: 'Allow',
      // SAM's template also lists the *Batch calls; IAM authorizes those with the single-message actions.
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      Resource: sub('arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${queueName}', { queueName: p.QueueName }),
    },
  ],
  S3ReadPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:GetLifecycleConfiguration'],
      Resource: [sub('arn:${AWS::Partition}:s3:::${bucketName}', { bucketName: p.BucketName }), sub('arn:${AWS::Partition}:s3:::${bucketName}/*', { bucketName: p.BucketName })],
    },
  ],
  S3WritePolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:PutObjectAcl', 's3:PutLifecycleConfiguration'],
      Resource: [sub('arn:${AWS::Partition}:s3:::${bucketName}', { bucketName: p.BucketName }), sub('arn:${AWS::Partition}:s3:::${bucketName}/*', { bucketName: p.BucketName })],
    },
  ],
  S3CrudPolicy: (p) => [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:ListBucket', 's3:GetBucketLocation', 's3:GetObjectVersion', 's3:PutObject', 's3:PutObjectAcl', 's3:GetLifecycleConfiguration', 's3:PutLifecycleConfiguration', 's3:DeleteObject'],
      Resource: [sub('arn:${AWS::Partition}:s3:::${bucketName}', { bucketName: p.BucketName }), sub('arn:${AWS::Partition}:s3:::${bucketName}/*', { bucketName: p.BucketName })],
    },
  ],
  EventBridgePutEventsPolicy: (p) => [
    { Effect: 'Allow', Action: 'events:PutEvents', Resource: sub('arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${eventBusName}', { eventBusName: p.EventBusName ?? 'default' }) },
  ],
  LambdaInvokePolicy: (p) => [
    { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: sub('arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${functionName}*', { functionName: p.FunctionName }) },
  ],
  CloudWatchPutMetricPolicy: () => [{ Effect: 'Allow', Action: ['cloudwatch:PutMetricData'], Resource: '*' }],
  SNSPublishMessagePolicy: (p) => [
    { Effect: 'Allow', Action: ['sns:Publish'], Resource: sub('arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${topicName}', { topicName: p.TopicName }) },
  ],
};

export interface ExpandedPolicies {
  statements: Statement[];
  managed: string[];
  /** Policy templates evlab does not know: left out of the export, named here so the caller can say so. */
  unknown: string[];
}

/** SAM's Policies value (a managed policy name or ARN, a policy document, a policy template, or a list of them). */
export function expandSamPolicies(policies: unknown[]): ExpandedPolicies {
  const out: ExpandedPolicies = { statements: [], managed: [], unknown: [] };
  for (const policy of policies) {
    if (typeof policy === 'string') {
      out.managed.push(policy.startsWith('arn:') ? policy : `arn:aws:iam::aws:policy/${policy}`);
    } else if (policy && typeof policy === 'object') {
      const doc = policy as Record<string, unknown>;
      if (Array.isArray(doc.Statement)) {
        out.statements.push(...(doc.Statement as Statement[]));
        continue;
      }
      for (const [name, params] of Object.entries(doc)) {
        const template = TEMPLATES[name];
        if (template) out.statements.push(...template((params ?? {}) as Record<string, unknown>));
        else out.unknown.push(name);
      }
    }
  }
  return out;
}

export function queueArnOf(logicalId: string): unknown {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

/** Least privilege for an SQS queue a function sends to (its DLQ, its destinations). */
export function sendTo(queues: string[]): Statement[] {
  return queues.length ? [{ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: queues.map(queueArnOf) }] : [];
}

/** Least privilege for the queues a function's event source mappings read. */
export function pollFrom(queues: string[]): Statement[] {
  return queues.length
    ? [{ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], Resource: queues.map(queueArnOf) }]
    : [];
}
