import type { CommandContext } from '../context.js';
import { ConfigError, OperationError } from '../errors.js';
import { clientEndpoint, type Target } from './target.js';

/** Who the credentials belong to, as STS GetCallerIdentity answers. */
export interface CallerIdentity {
  account: string;
  arn: string;
}

/**
 * The one gate before a command writes to a non-local target: names the account (STS GetCallerIdentity)
 * and region, then asks on a terminal; without one it refuses unless --yes was given.
 * Local targets return at once, with no STS call (and no STS SDK loaded).
 * `action` is what will happen, e.g. "evlab setup creates or changes resources".
 */
export async function confirmRemoteWrite(ctx: CommandContext, target: Target, action: string): Promise<CallerIdentity | undefined> {
  if (target.local) return undefined;
  const identity = await callerIdentity(target);
  const where = `AWS account ${identity.account} (${identity.arn}) in ${target.region} at ${target.aws ? 'AWS' : target.endpoint}`;
  if (ctx.flags.yes) {
    ctx.out.progress(`remote target: ${where}; ${action} (--yes given)`);
    return identity;
  }
  const { canAsk, askYesNo } = await import('../ui/ask.js');
  if (!canAsk(Boolean(ctx.flags.json))) {
    throw new ConfigError('ConfirmationRequired', `${action} in ${where}; not on a terminal, so nothing was asked and nothing changed`, {
      hint: 'check the account and region, then run the command again with --yes',
    });
  }
  if (!(await askYesNo(`${action} in ${where}. Continue? [y/N] `))) {
    throw new OperationError('Cancelled', `nothing changed: you declined to write to ${where}`);
  }
  return identity;
}

async function callerIdentity(target: Target): Promise<CallerIdentity> {
  // Loaded only here: local targets never pay for the STS client.
  const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
  const endpoint = clientEndpoint(target);
  const sts = new STSClient({ region: target.region, ...(endpoint ? { endpoint } : {}) });
  try {
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return { account: out.Account ?? '(unknown)', arn: out.Arn ?? '(unknown)' };
  } catch (err) {
    throw new OperationError('RemoteIdentityUnknown', `could not tell which AWS account the credentials belong to (STS GetCallerIdentity: ${(err as Error).message})`, {
      hint: 'evlab uses the normal credential chain against a remote target: set AWS_PROFILE (or --profile in your config), run `aws sso login`, or export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
      cause: err,
    });
  } finally {
    sts.destroy();
  }
}
