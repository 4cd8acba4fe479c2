import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { deleteIfExists } from './errors.js';

const logsModule = () => import('@aws-sdk/client-cloudwatch-logs');

export async function logGroupExists(logs: CloudWatchLogsClient, name: string): Promise<boolean> {
  const { DescribeLogGroupsCommand } = await logsModule();
  const found = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return (found.logGroups ?? []).some((g) => g.logGroupName === name);
}

export async function createLogGroup(logs: CloudWatchLogsClient, name: string): Promise<void> {
  const { CreateLogGroupCommand } = await logsModule();
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: name }));
  } catch (err) {
    if ((err as Error).name !== 'ResourceAlreadyExistsException') throw err;
  }
}

export async function deleteLogGroup(logs: CloudWatchLogsClient, name: string): Promise<boolean> {
  const { DeleteLogGroupCommand } = await logsModule();
  return deleteIfExists(() => logs.send(new DeleteLogGroupCommand({ logGroupName: name })));
}
