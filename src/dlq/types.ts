/** A dead-letter queue and what feeds it. */
export interface DeadLetterQueue {
  name: string;
  url: string;
  arn: string;
  /** Functions whose failed asynchronous events land here (DeadLetterConfig or an on-failure queue). */
  functions: string[];
  /** Queues whose redrive policy moves messages here. */
  sourceQueues: string[];
  /** Rule targets whose undeliverable events land here. */
  ruleTargets: string[];
}

/** One message of a dead-letter queue, with the attributes Lambda, SQS and EventBridge put on dead letters. */
export interface DeadLetter {
  queue: string;
  messageId: string;
  /** Lambda: the request id of the failed invocation. */
  requestId?: string;
  /** Lambda: 200 for a function error (an HTTP status); EventBridge: ERROR_CODE. */
  errorCode?: string;
  errorMessage?: string;
  receiveCount: number;
  sentAt?: string;
  /** SQS redrive: the queue it came from. */
  sourceQueueArn?: string;
  /** EventBridge: the rule and target that could not deliver it. */
  ruleArn?: string;
  targetArn?: string;
  body: string;
  attributes: Record<string, { DataType: string; StringValue?: string }>;
}
