import type { InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { CommandContext } from '../context.js';
import { ExitCode, OperationError } from '../errors.js';
import { readPayloadArgument } from '../events/payload.js';
import { loadOptionalStack, physicalNameOf } from '../status/stack-resources.js';

export interface InvokeOptions {
  function: string;
  /** JSON text, or @path to a JSON file. Default {}. */
  payload?: string;
}

export interface InvokeResult {
  function: string;
  statusCode?: number;
  functionError?: string;
  /** The response: parsed JSON when it is JSON, else the text. */
  payload: unknown;
  /** The last 4 KB of the invocation's log (LogType Tail), decoded. */
  logTail?: string;
  executedVersion?: string;
}

/** `evlab invoke`: a synchronous invocation with the log tail; exit 1 when the function reports an error. */
export async function runInvoke(options: InvokeOptions, ctx: CommandContext): Promise<number> {
  const { out } = ctx;
  const payload = await readPayloadArgument(options.payload ?? '{}', ctx.cwd);
  const loaded = await loadOptionalStack(ctx);
  // A template's logical ID names the function as well as its physical name.
  options = { ...options, function: physicalNameOf(loaded, options.function, 'function') };
  const { connect } = await import('../aws/connect.js');
  const conn = await connect(ctx, { stack: loaded?.stack, projectDir: loaded?.dir, writes: 'evlab invoke runs a function (which may change resources)' });
  try {
    const { InvokeCommand } = await import('@aws-sdk/client-lambda');
    const lambda = await conn.clients.lambda();
    let response: InvokeCommandOutput;
    try {
      response = await lambda.send(
        new InvokeCommand({ FunctionName: options.function, InvocationType: 'RequestResponse', LogType: 'Tail', Payload: Buffer.from(payload.text) }),
        { abortSignal: ctx.signal },
      );
    } catch (err) {
      throw explainInvokeError(err, options.function, loaded ? Object.keys(loaded.stack.functions ?? {}) : undefined, conn.target.endpoint);
    }
    const text = response.Payload ? Buffer.from(response.Payload).toString('utf8') : '';
    const result: InvokeResult = {
      function: options.function,
      statusCode: response.StatusCode,
      functionError: response.FunctionError,
      payload: parseMaybeJson(text),
      logTail: response.LogResult ? Buffer.from(response.LogResult, 'base64').toString('utf8') : undefined,
      executedVersion: response.ExecutedVersion,
    };
    if (!out.json && result.logTail) out.info(out.c.dim(`── log tail of ${options.function} ──\n${result.logTail.replace(/\s+$/, '')}\n──`));
    out.result(result, (r) => (typeof r.payload === 'string' ? r.payload : JSON.stringify(r.payload, null, 2)));
    if (result.functionError) {
      if (!out.json) {
        out.errorText(`${out.c.red('FunctionError')} ${out.c.bold(result.functionError)}: the function failed (its error is the payload above)`);
        // moto answers an invoke without Docker with its own failure, not the function's.
        if (conn.endpoint.kind === 'moto' && /docker/i.test(text)) {
          out.errorText(`  ${out.c.cyan('hint:')} moto runs lambda code only in Docker; run it on evlab's engine (evlab up) or LocalStack`);
        }
      }
      return ExitCode.failed;
    }
    return ExitCode.ok;
  } finally {
    conn.close();
  }
}

function parseMaybeJson(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function explainInvokeError(err: unknown, name: string, known: string[] | undefined, endpoint: string): unknown {
  const e = err as Error;
  if (e?.name === 'ResourceNotFoundException') {
    const inStack = known?.includes(name);
    return new OperationError('FunctionNotFound', `function ${name} does not exist at ${endpoint}`, {
      cause: err,
      hint: inStack || !known ? 'deploy it with evlab setup' : `${name} is not in the stack file either${known.length ? ` (its functions: ${known.join(', ')})` : ''}; add it, then evlab setup`,
    });
  }
  if (e?.name === 'ResourceConflictException') {
    return new OperationError('FunctionNotReady', `function ${name} is not ready to run: ${e.message}`, { cause: err, hint: 'it is being created or updated; wait a moment (evlab status shows its state)' });
  }
  return err;
}
