import { DynamoDbError } from './wire.js';

/**
 * Checks AWS makes on the request alone, before it looks for the table, where dynalite checks later or not at all.
 * Returns nothing when the request may go on to dynalite.
 */
export function checkRequest(operation: string, input: Record<string, any>): void {
  switch (operation) {
    case 'Scan': {
      // dynalite tests `Segment` for truthiness, so Segment 0 without TotalSegments went through.
      if (input.Segment != null && input.TotalSegments == null) {
        throw new DynamoDbError('ValidationException', 'The TotalSegments parameter is required but was not present in the request when Segment parameter is present');
      }
      return;
    }
    case 'DeleteItem': {
      // dynalite accepts every ReturnValues value here and then fails on a missing table first.
      const value = input.ReturnValues;
      if (value != null && value !== 'ALL_OLD' && value !== 'NONE') throw new DynamoDbError('ValidationException', 'ReturnValues can only be ALL_OLD or NONE');
      return;
    }
    case 'TagResource':
    case 'UntagResource':
    case 'ListTagsOfResource': {
      // dynalite answers a malformed ARN with AccessDeniedException; DynamoDB validates the ARN.
      const arn = input.ResourceArn;
      if (typeof arn === 'string' && !/^arn:aws[a-z-]*:dynamodb:[^:]+:\d+:table\/[^/]{3,255}$/.test(arn)) {
        throw new DynamoDbError('ValidationException', `Invalid TableArn: Invalid ResourceArn provided as input ${arn}`);
      }
      return;
    }
  }
}

/** The tables an item-level request reads or writes (for the table locks). */
export function tablesOf(operation: string, input: Record<string, any>): string[] {
  if (operation === 'BatchGetItem' || operation === 'BatchWriteItem') return Object.keys(input.RequestItems ?? {});
  return typeof input.TableName === 'string' ? [input.TableName] : [];
}
