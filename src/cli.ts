import { Command, CommanderError, Option } from 'commander';
import { createContext, type CommandContext, type GlobalFlags } from './context.js';
import { ENGINE_VERSION } from './engine/version.js';
import { ExitCode } from './errors.js';
import { errorJson } from './ui/output.js';

// The SDK warns on Node 20 about its releases from 2027 on; the lockfile pins releases that support Node 20,
// so the warning would only be noise on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

// `evlab tail | head` closes the pipe: the reader has all it wanted, so leave quietly rather than crash on EPIPE.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(ExitCode.ok);
  throw err;
});

// Commands are imported only when they run: `evlab --help` and `--version` never load the AWS SDK.
type Runner = (ctx: CommandContext) => Promise<number>;

const program = new Command()
  .name('evlab')
  .description('The inner loop for EventBridge → Lambda → SQS → DynamoDB → CloudWatch Logs, on any AWS-compatible local endpoint or evlab\'s own engine.')
  .version(ENGINE_VERSION, '-V, --version')
  .option('-c, --config <path>', 'stack file (default: ./evlab.json, then ./etc/evlab.json)')
  .option('--endpoint <url>', 'AWS-compatible endpoint (default: $EVLAB_ENDPOINT, $AWS_ENDPOINT_URL, the stack file, http://127.0.0.1:4566)')
  .option('--region <region>', 'AWS region (default: the stack file, $AWS_REGION, us-east-1)')
  .option('--allow-remote', 'allow a non-local endpoint (real AWS credentials, real resources); --endpoint aws is AWS itself')
  .option('-y, --yes', 'do not ask before writing to a remote account (required there when not on a terminal)')
  .option('--json', 'print a versioned JSON result on stdout')
  .option('--debug', 'show causes and stack traces of errors')
  .option('--no-color', 'plain output (NO_COLOR is respected too)')
  .option('--no-auto-start', 'never start the embedded engine automatically')
  .option('-t, --template <file>', 'SAM / CloudFormation template as the stack (default: evlab.json, else template.yaml|yml|json, else cdk.out)')
  .option('--stack-name <name>', 'stack name a template runs as (default: the folder name; picks the stack of a multi-stack cdk.out)')
  .option('--parameter-overrides <Key=Value...>', 'template parameters')
  .option('--strict', 'a template resource or property evlab does not support is an error, not a report')
  .showHelpAfterError('(run evlab --help for usage)')
  // Set before the subcommands are added, so they inherit it: parse errors are thrown (and mapped to exit 2
  // below) instead of commander's process.exit(1).
  .exitOverride()
  .addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 an operation failed, 2 usage or stack-file error, 3 endpoint unreachable, 130 interrupted.

Typical loop:
  evlab up --detach                    start the embedded engine (or use LocalStack, moto, MiniStack, Floci)
  evlab setup                          create or refresh every resource of evlab.json
  evlab fire etc/events/events.json --wait
  evlab tail                           follow the lambdas' logs
  evlab status                         health, DLQ counts, table scans`,
  );

function command(name: string, description: string): Command {
  return program.command(name).description(description);
}

function action(cmd: Command, run: (args: unknown[], opts: Record<string, unknown>) => Runner): Command {
  return cmd.action(async (...received: unknown[]) => {
    const self = received[received.length - 1] as Command;
    const opts = self.opts();
    const args = received.slice(0, -2);
    const flags = self.optsWithGlobals() as GlobalFlags;
    await execute(flags, run(args, opts));
  });
}

async function execute(flags: GlobalFlags, runner: Runner): Promise<void> {
  const controller = new AbortController();
  const ctx = createContext(flags, { signal: controller.signal });
  let interrupted = false;
  const onSigint = () => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  let code: number;
  try {
    code = await runner(ctx);
  } catch (err) {
    const { reportError } = await import('./ui/report-error.js');
    code = interrupted ? ExitCode.interrupted : reportError(err, ctx.out);
  } finally {
    process.off('SIGINT', onSigint);
  }
  process.exitCode = code;
}

action(
  command('setup', 'check prerequisites, then create or refresh every resource of the stack (idempotent)')
    .option('--fresh', 'delete the stack\'s resources first and recreate them')
    .option('--dry-run', 'print the plan, change nothing')
    .option('--adopt', 'take over resources of the stack\'s names that evlab did not create (asked on a terminal otherwise)'),
  (_args, opts) => async (ctx) => (await import('./commands/setup.js')).runSetup(opts, ctx),
);

action(
  command('export', 'write the stack as a CloudFormation template for an AWS account (deploy with sam deploy or aws cloudformation deploy)')
    .addOption(new Option('--format <format>', 'sam (AWS::Serverless::Function, CodeUri) or cloudformation (plain resources, the default); yaml|json still pick the syntax of a cloudformation export').choices(['sam', 'cloudformation', 'yaml', 'json']))
    .addOption(new Option('--syntax <syntax>', 'yaml or json (default: from --out\'s extension, else yaml)').choices(['yaml', 'json']))
    .option('-o, --out <file>', 'write the template to this file (default: stdout)'),
  (_args, opts) => async (ctx) => (await import('./commands/export.js')).runExport(opts, ctx),
);

action(
  command('relambda', 'repackage and redeploy the lambdas whose code changed')
    .argument('[function...]', 'functions to redeploy (default: all)')
    .option('--force', 'redeploy even when the code is unchanged')
    .option('--watch', 'then keep watching the sources and redeploy a function when its files change (Ctrl-C stops)'),
  ([functions], opts) => async (ctx) => (await import('./commands/relambda.js')).runRelambda({ functions: functions as string[], ...opts }, ctx),
);

action(
  command('fire', 'put the events of one or more files on the bus')
    .argument('<file...>', 'event files: a PutEvents entries array, {"Entries": [...]}, event envelopes, or NDJSON')
    .option('--bus <name>', 'event bus for entries that name none (default: default)')
    .option('--wait', 'wait until the work the events caused has settled, then print what changed')
    .option('--trace', 'then print each event\'s trace: rules, targets, attempts, where it ended (embedded engine; implies --wait)')
    .addOption(new Option('--timeout <seconds>', 'how long --wait waits at most').default(60).argParser(Number)),
  ([files], opts) => async (ctx) => (await import('./commands/fire.js')).runFire({ files: files as string[], ...opts }, ctx),
);

action(
  command('trace', 'what happened to an event, invocation or message: its rules, targets, attempts and ending (embedded engine)')
    .argument('[id]', 'an EventId, a Lambda request id, an SQS message id or an API request id')
    .option('--failed', 'every trace that did not end as processed (DLQ, OnFailure, discarded, lost)')
    .option('--since <duration>', 'with --failed: only traces active within this long (e.g. 10m, 2h)')
    .addOption(new Option('--limit <n>', 'with --failed: at most this many').argParser(Number)),
  ([id], opts) => async (ctx) => (await import('./commands/trace.js')).runTrace({ id: id as string | undefined, ...opts }, ctx),
);

const dlq = action(
  command('dlq', 'list the messages of the dead-letter queues without consuming them (RequestID, ErrorCode, ErrorMessage, receives, body)')
    .argument('[queue]', 'one queue (default: every dead-letter queue of the stack and the endpoint)'),
  ([queue], opts) => async (ctx) => (await import('./commands/dlq.js')).runDlqList({ queue: queue as string | undefined, ...opts }, ctx),
);
action(
  dlq
    .command('redrive')
    .description('hand each dead letter back to the function that failed it (async invoke) or to its source queue; delete it only once handed on')
    .argument('[queue]', 'one dead-letter queue (default: all of them)')
    .option('--to <function|queue>', 'where the messages go (default: the one function or the source queues that feed the DLQ)')
    .option('--dry-run', 'say what would be moved, move nothing')
    .addOption(new Option('--rate <n>', 'messages per second at most (MaxNumberOfMessagesPerSecond)').argParser(Number)),
  ([queue], opts) => async (ctx) => (await import('./commands/dlq.js')).runDlqRedrive({ queue: queue as string | undefined, ...opts }, ctx),
);
action(
  dlq
    .command('purge')
    .description('delete every message of the dead-letter queues (asks first on a terminal)')
    .argument('[queue]', 'one dead-letter queue (default: all of them)')
    .option('--yes', 'do not ask (required when not on a terminal)'),
  ([queue], opts) => async (ctx) => (await import('./commands/dlq.js')).runDlqPurge({ queue: queue as string | undefined, ...opts }, ctx),
);

action(
  command('upload', 'put files or folders into a bucket (a folder\'s files keyed by their path inside it)')
    .argument('<path...>', 'files or folders')
    .requiredOption('--bucket <name>', 'bucket to upload to')
    .option('--prefix <prefix>', 'prepended to every key, e.g. job_offers/', '')
    .option('--wait', 'wait until the work the bucket\'s notifications caused has settled, then print what changed')
    .option('--trace', 'then print each object\'s trace: its notifications, the functions they ran, what those sent (embedded engine)')
    .addOption(new Option('--timeout <seconds>', 'how long --wait waits at most').default(60).argParser(Number)),
  ([paths], opts) => async (ctx) => (await import('./commands/upload.js')).runUpload({ paths: paths as string[], ...(opts as { bucket: string }) }, ctx),
);

action(
  command('call', 'send one HTTP request to an API route or a function URL; prints status, headers and body (exit 1 on a 5xx)')
    .argument('<method>', 'GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS')
    .argument('<path>', 'path after the invoke URL, e.g. /v1/jobs (a named stage is added by --api)')
    .option('--api <name>', 'API of the stack file (or at the endpoint) to call')
    .option('--stage <name>', 'stage of --api (default: the stack file\'s, else the API\'s)')
    .option('--url-of <function>', 'call the function\'s URL instead')
    .option('-d, --data <body>', 'request body: JSON or text, @file, or - for stdin')
    .option('-H, --header <header>', '"name: value" (repeatable)', (value: string, all: string[]) => [...all, value], [] as string[])
    .option('--trace', 'then print the request\'s trace once the engine is idle: route, function, status, and what the function sent (embedded engine)')
    .addOption(new Option('--timeout <seconds>', 'how long to wait for the answer').default(30).argParser(Number)),
  ([method, path], opts) => async (ctx) => (await import('./commands/call.js')).runCall({ method: method as string, path: path as string, ...opts }, ctx),
);

action(
  command('tail', 'follow the lambdas\' logs, one line per log event')
    .argument('[function...]', 'functions to follow (default: all of the stack\'s)')
    .option('--since <duration>', 'start this far back (e.g. 30s, 10m, 2h)', '10m')
    .option('--filter <pattern>', 'CloudWatch Logs filter pattern')
    .option('--no-follow', 'print what is there and exit'),
  ([functions], opts) => async (ctx) => (await import('./commands/tail.js')).runTail({ functions: functions as string[], ...opts }, ctx),
);

action(
  command('status', 'endpoint health, functions, queues and DLQ counts, table scans, rules')
    .addOption(new Option('--limit <n>', 'items to show per table').default(5).argParser(Number))
    .option('--check', 'exit 1 when a dead-letter queue holds messages (for CI)')
    .addOption(new Option('--watch [seconds]', 'read again every few seconds until Ctrl-C, redrawn in place on a terminal').preset(2).argParser(Number)),
  (_args, opts) => async (ctx) => (await import('./commands/status.js')).runStatus(opts, ctx),
);

action(
  command('invoke', 'invoke a function synchronously and print its response and log tail')
    .argument('<function>', 'function name')
    .option('--payload <json|@file>', 'event payload as JSON, or @path to a JSON file', '{}'),
  ([fn], opts) => async (ctx) => (await import('./commands/invoke.js')).runInvoke({ function: fn as string, ...opts }, ctx),
);

action(
  command('teardown', 'delete the stack\'s resources (only those the stack file names, and only those evlab created)')
    .option('--adopt', 'also delete resources of the stack\'s names that evlab did not create'),
  (_args, opts) => async (ctx) => (await import('./commands/teardown.js')).runTeardown(opts, ctx),
);

action(
  command('schema', 'print the JSON Schema of the stack file (for editors)'),
  () => async (ctx) => (await import('./commands/schema.js')).runSchema(ctx),
);

action(
  command('init', 'create a project from a template (lists templates without one)')
    .argument('[template]', 'template name')
    .argument('[dir]', 'target folder (default: the template name)')
    .option('--force', 'overwrite existing files'),
  ([template, dir], opts) => async (ctx) => (await import('./commands/init.js')).runInit({ template: template as string | undefined, dir: dir as string | undefined, ...opts }, ctx),
);

action(
  command('up', 'start the embedded engine: a Docker-free local endpoint for the five services')
    .addOption(new Option('--port <port>', 'port (default: the port of the resolved endpoint — --endpoint, $EVLAB_ENDPOINT, $AWS_ENDPOINT_URL, the stack file — else 4566)').argParser(Number))
    .option('--host <host>', 'interface to listen on (default: the endpoint\'s loopback host, else 127.0.0.1)')
    .option('--detach', 'run in the background; pid and port are recorded in .evlab/')
    .option('--persist <dir>', 'keep state in this folder across restarts')
    .option('--ui', 'print the web dashboard\'s address (/_evlab/ui/) once the engine listens')
    .addOption(new Option('--retry-delay <ms>', 'delay unit between async Lambda retries (default: 1000; AWS waits ~1 and 2 minutes)').argParser(Number))
    .addOption(new Option('--max-log-events <n>', 'events kept per log group; the oldest are dropped and counted (default: 10000)').argParser(Number))
    .addOption(new Option('--max-traces <n>', 'event traces kept (/_evlab/traces); the oldest are dropped and counted (default: 10000)').argParser(Number)),
  (_args, opts) => async (ctx) => (await import('./commands/up.js')).runUp(opts as never, ctx),
);

action(
  command('ui', 'the web dashboard of the embedded engine: the stack as a graph with live counters, traces, dead letters, logs, tables')
    .option('--open', 'open it in the system\'s browser'),
  (_args, opts) => async (ctx) => (await import('./commands/ui.js')).runUi(opts, ctx),
);

action(
  command('down', 'stop the engine this project started (`evlab up --detach`, or a command that started one), as recorded in .evlab/engine.json')
    .option('--any', 'also stop an evlab engine this project did not start, if one answers at the endpoint (--endpoint, $EVLAB_ENDPOINT, …)')
    .addHelpText('after', '\nWithout --any, an engine started elsewhere (in the foreground, or from another folder) is left running.'),
  (_args, opts) => async (ctx) => (await import('./commands/down.js')).runDown(opts, ctx),
);

program.parseAsync(process.argv).catch((err) => {
  if (err instanceof CommanderError) {
    // --help and --version end here with exit code 0; every parse error is a usage error (exit 2).
    // Commander has already written its message and "(run evlab --help for usage)" to stderr.
    const usage = err.exitCode !== 0;
    if (usage && process.argv.includes('--json')) process.stdout.write(usageErrorJson(err, process.argv.slice(2)));
    process.exitCode = usage ? ExitCode.usage : ExitCode.ok;
    return;
  }
  process.stderr.write(`evlab: ${(err as Error).message}\n`);
  process.exitCode = ExitCode.usage;
});

/** The `--json` form of a parse error. */
function usageErrorJson(err: CommanderError, args: readonly string[]): string {
  const sub = program.commands.find((c) => args.includes(c.name()));
  const message = err.code === 'commander.help' ? 'no command given' : err.message.replace(/^error:\s*/, '');
  const hint = `run evlab ${sub ? `${sub.name()} ` : ''}--help for usage`;
  return errorJson({ code: 'UsageError', message, hint });
}
