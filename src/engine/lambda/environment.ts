import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { newTraceHeader } from '../traces/cause.js';
import type { EngineContext } from '../types.js';
import { installBootstraps } from './bootstraps/install.js';
import { environmentVariables } from './env-vars.js';
import { endLine, LogTail, newLogStreamName, reportLine, startLine, type LogSink } from './logs.js';
import type { LambdaFunction } from './model.js';
import { isHeapOutOfMemoryLine, MemoryWatchdog, nodeHeapFlag } from './memory-limit.js';
import { lineToMessage } from './output-lines.js';
import { RuntimeApiServer, MAX_RESPONSE_BYTES, type ResultKind } from './runtime-api.js';
import { checkExecutable, describeSpawnError, exitReason, killProcessGroup, startRuntimeProcess } from './runtime-process.js';
import { launchSpec, runtimeFamily, type RuntimeFamily } from './runtimes.js';

export interface EnvironmentDeps {
  ctx: EngineContext;
  sink: LogSink;
}

export interface InvocationInput {
  requestId: string;
  /** The event, exactly as the caller sent it (JSON). */
  payload: Buffer;
  /** The ARN the caller used (qualified or not), for the context object. */
  invokedArn: string;
  /** Client context JSON (decoded X-Amz-Client-Context). */
  clientContext?: string;
  /** Collect the log for X-Amz-Log-Result. */
  tail: boolean;
}

export interface InvocationOutcome {
  payload: Buffer;
  /** Set when the invocation failed: the response carries X-Amz-Function-Error: Unhandled. */
  error?: { type: string; message: string };
  /** base64 of the last 4 KB of the invocation's log, when asked for. */
  logResult?: string;
}

interface Running {
  input: InvocationInput;
  resolve: (outcome: InvocationOutcome) => void;
  /** Collected when the caller asked for the log (LogType Tail). */
  tail?: LogTail;
  started: number;
  timer?: NodeJS.Timeout;
  settleTimer?: NodeJS.Timeout;
  marks: number;
  /** beforeEnd: written before END (a timeout, as AWS does); trailer: after REPORT (a runtime exit). */
  result?: { payload: Buffer; error?: { type: string; message: string }; beforeEnd?: string; trailer?: string };
  finished?: boolean;
}

/** AWS's init phase limit (10 s); a longer function timeout extends it, as Lambda retries init in the invoke phase. */
const INIT_LIMIT_SECONDS = 10;
/** If a runtime client never prints the flush mark (it closed stdout), an invocation still ends. */
const OUTPUT_SETTLE_MS = 1000;
const MAX_INIT_LINES = 200;
const MEMORY_REFRESH_MS = 1000;

/**
 * One execution environment: a runtime process on the host, its own Runtime API port and log stream.
 * It runs one invocation at a time; the pool gives it the next one. It dies on timeout, crash, init
 * failure or when the engine stops; the pool then replaces it.
 */
export class ExecutionEnvironment {
  readonly generation: number;
  readonly logStream: string;
  /** Called once when the environment can no longer run anything. */
  onDead?: () => void;

  private readonly fn: LambdaFunction;
  private readonly family: RuntimeFamily;
  private readonly mark = `evlab-flush-${randomBytes(12).toString('hex')}`;
  private child?: ChildProcess;
  private api?: RuntimeApiServer;
  private parked?: ServerResponse;
  private queued?: Running;
  private current?: Running;
  private spawnedAt = performance.now();
  private initMs?: number;
  private initReported = false;
  private initLines: string[] = [];
  private initError?: { payload: Buffer; type: string };
  private initTimer?: NodeJS.Timeout;
  private startFailure?: string;
  private exitInfo?: { code: number | null; signal: NodeJS.Signals | null };
  private dead = false;
  private killed = false;
  private maxMemoryMb = 0;
  private memoryReadAt = 0;
  /** Set when the process went past MemorySize (the watchdog killed it, or V8 hit its heap limit). */
  private outOfMemory = false;
  private watchdog?: MemoryWatchdog;
  private closedResolve!: () => void;
  /** Resolves when the process is gone and its output read. */
  readonly closed = new Promise<void>((resolve) => (this.closedResolve = resolve));

  constructor(
    fn: LambdaFunction,
    private readonly deps: EnvironmentDeps,
  ) {
    // A snapshot: an update after this point makes a new generation of environments.
    this.fn = { ...fn, settings: { ...fn.settings, environment: { ...fn.settings.environment } }, code: { ...fn.code } };
    this.generation = fn.generation;
    this.logStream = newLogStreamName(new Date(), fn.version);
    this.family = runtimeFamily(fn.settings.runtime) ?? 'provided';
    void this.boot();
  }

  /** False as soon as it is being killed (its 'close' may come later). */
  get alive(): boolean {
    return !this.dead && !this.killed;
  }

  /** Runs one invocation; never rejects (failures are outcomes, as Lambda reports them). */
  invoke(input: InvocationInput): Promise<InvocationOutcome> {
    return new Promise((resolve) => {
      const run: Running = { input, resolve, tail: input.tail ? new LogTail() : undefined, started: performance.now(), marks: 0 };
      if (this.dead) return this.failBeforeStart(run);
      this.queued = run;
      if (this.parked) this.deliver(this.parked, run);
    });
  }

  /** Kills the process (and anything it started); the environment then dies. */
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    if (this.child) killProcessGroup(this.child);
    else this.onClosed();
  }

  private async boot(): Promise<void> {
    const { ctx } = this.deps;
    try {
      const runtimeDir = await installBootstraps(join(ctx.options.workDir, 'lambda', 'runtime'));
      const spec = await launchSpec(this.family, runtimeDir, this.fn.code.dir, this.mark);
      if (this.family === 'node') spec.args.unshift(nodeHeapFlag(this.fn.settings.memorySize));
      if (spec.entrypoint) await checkExecutable(spec.entrypoint);
      if (this.killed) return this.onClosed();
      this.api = await RuntimeApiServer.start({
        next: (res) => this.next(res),
        result: (id, kind, body, type) => this.result(id, kind, body, type),
        initError: (body, type) => this.recordInitError(body, type),
      });
      if (this.killed || this.dead) {
        this.api.close();
        return this.onClosed();
      }
      const env = environmentVariables({
        ctx,
        fn: this.fn,
        taskRoot: this.fn.code.dir,
        runtimeDir,
        runtimeApi: `127.0.0.1:${this.api.port}`,
        logStream: this.logStream,
        noAwsFile: join(runtimeDir, 'no-aws-config'),
        extra: spec.env,
      });
      this.spawnedAt = performance.now();
      this.child = startRuntimeProcess(spec, this.fn.code.dir, env, this.mark, {
        line: (line) => this.onLine(line),
        mark: () => this.onMark(),
        exit: (code, signal) => {
          this.exitInfo = { code, signal };
          // The runtime is gone: so must be anything it started, which may also hold its output open.
          this.kill();
          setTimeout(() => this.onClosed(), 500).unref();
        },
        closed: () => this.onClosed(),
        failed: (e) => {
          this.startFailure ??= describeSpawnError(spec.command, e);
          this.onClosed();
        },
      });
      this.watchdog = new MemoryWatchdog(this.child.pid, this.fn.settings.memorySize, () => {
        this.outOfMemory = true;
        this.kill();
      });
      const initLimit = Math.max(INIT_LIMIT_SECONDS, this.fn.settings.timeout) * 1000;
      this.initTimer = setTimeout(() => this.kill(), initLimit);
    } catch (e) {
      this.startFailure ??= describeSpawnError(this.fn.code.dir, e as NodeJS.ErrnoException);
      this.onClosed();
    }
  }

  private next(res: ServerResponse): void {
    if (this.dead) {
      res.destroy();
      return;
    }
    if (this.initMs === undefined) {
      this.initMs = performance.now() - this.spawnedAt;
      clearTimeout(this.initTimer);
      void this.refreshMemory();
    }
    if (this.queued) return this.deliver(res, this.queued);
    this.parked = res;
    res.once('close', () => {
      if (this.parked === res) this.parked = undefined;
    });
  }

  private deliver(res: ServerResponse, run: Running): void {
    this.parked = undefined;
    this.queued = undefined;
    this.current = run;
    const { input } = run;
    const timeoutMs = this.fn.settings.timeout * 1000;
    for (const line of this.initLines) run.tail?.push(line);
    this.initLines = [];
    this.log(startLine(input.requestId, this.fn.version), run);
    run.started = performance.now();
    run.timer = setTimeout(() => this.onTimeout(run), timeoutMs);
    this.watchdog?.start();
    // A fresh X-Ray header per invocation, its Root indexed under the invocation's trace: the SDK calls the
    // function makes send it back (X-Amzn-Trace-Id), which is how the traces they start find their parent.
    const trace = newTraceHeader();
    this.deps.ctx.traces.linkInvocation(trace.root, input.requestId);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': input.payload.length,
      'Lambda-Runtime-Aws-Request-Id': input.requestId,
      'Lambda-Runtime-Deadline-Ms': String(Date.now() + timeoutMs),
      'Lambda-Runtime-Invoked-Function-Arn': input.invokedArn,
      'Lambda-Runtime-Trace-Id': trace.header,
    };
    if (input.clientContext) headers['Lambda-Runtime-Client-Context'] = input.clientContext;
    res.writeHead(200, headers);
    res.end(input.payload);
  }

  private result(requestId: string, kind: ResultKind, body: Buffer, errorType: string | undefined): boolean {
    const run = this.current;
    if (!run || run.result || run.input.requestId !== requestId) return false;
    if (kind === 'response') {
      run.result = { payload: body };
    } else if (kind === 'oversize') {
      const message = `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`;
      run.result = {
        payload: Buffer.from(JSON.stringify({ errorMessage: message, errorType: 'Function.ResponseSizeTooLarge' })),
        error: { type: 'Function.ResponseSizeTooLarge', message },
      };
    } else {
      const parsed = parseObject(body);
      const type = errorType ?? (typeof parsed.errorType === 'string' ? parsed.errorType : 'Unhandled');
      run.result = { payload: body, error: { type, message: typeof parsed.errorMessage === 'string' ? parsed.errorMessage : '' } };
    }
    this.awaitOutput(run);
    return true;
  }

  /** The result is in; END/REPORT wait until the invocation's own output has arrived. */
  private awaitOutput(run: Running): void {
    if (this.family === 'provided') {
      // A custom runtime prints no flush mark: give output already in the pipes one turn to be read.
      setImmediate(() => setImmediate(() => this.finish(run)));
      return;
    }
    if (run.marks >= 2) return this.finish(run);
    run.settleTimer = setTimeout(() => this.finish(run), OUTPUT_SETTLE_MS);
  }

  private onMark(): void {
    const run = this.current;
    if (!run) return;
    run.marks += 1;
    if (run.result && run.marks >= 2) this.finish(run);
  }

  private onTimeout(run: Running): void {
    if (run.result || run.finished) return;
    const seconds = ((performance.now() - run.started) / 1000).toFixed(2);
    const id = run.input.requestId;
    const message = `RequestId: ${id} Error: Task timed out after ${seconds} seconds`;
    run.result = {
      payload: Buffer.from(JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: message })),
      error: { type: 'Sandbox.Timedout', message },
      beforeEnd: `${new Date().toISOString()} ${id} Task timed out after ${seconds} seconds\n`,
    };
    this.kill();
    this.finish(run);
  }

  private finish(run: Running): void {
    if (run.finished) return;
    run.finished = true;
    this.watchdog?.stop();
    clearTimeout(run.timer);
    clearTimeout(run.settleTimer);
    if (this.current === run) this.current = undefined;
    const result = run.result!;
    const durationMs = performance.now() - run.started;
    const initMs = this.initReported ? undefined : this.initMs;
    this.initReported = true;
    const id = run.input.requestId;
    if (result.beforeEnd) this.log(result.beforeEnd, run);
    this.log(endLine(id), run);
    // REPORT's memory figure is the last one read (refreshed at most once a second, off the invocation's path);
    // the first REPORT of an environment reads it at once (a few microseconds) rather than print 0 MB.
    if (this.maxMemoryMb === 0) this.readMemorySync();
    this.log(reportLine(id, durationMs, this.fn.settings.memorySize, this.maxMemoryMb, initMs), run);
    if (result.trailer) this.log(result.trailer, run);
    run.resolve({ payload: result.payload, error: result.error, logResult: run.tail?.encode() });
    if (!this.dead && performance.now() - this.memoryReadAt > MEMORY_REFRESH_MS) void this.refreshMemory();
  }

  /** The runtime never got to run this invocation: init failed or the process could not start. */
  private failBeforeStart(run: Running): void {
    const id = run.input.requestId;
    let payload: Buffer;
    let type: string;
    let message: string;
    if (this.initError) {
      payload = this.initError.payload;
      type = this.initError.type;
      message = String(parseObject(payload).errorMessage ?? '');
    } else {
      type = this.startFailure ? 'Runtime.InvalidEntrypoint' : 'Runtime.ExitError';
      message = `RequestId: ${id} Error: ${this.startFailure ?? exitReason(this.exitInfo)}`;
      payload = Buffer.from(JSON.stringify({ errorType: type, errorMessage: message }));
    }
    const initMs = performance.now() - this.spawnedAt;
    for (const line of this.initLines) run.tail?.push(line);
    this.initLines = [];
    this.log(`INIT_REPORT Init Duration: ${initMs.toFixed(2)} ms\tPhase: init\tStatus: error\tError Type: ${type}\n`, run);
    this.log(startLine(id, this.fn.version), run);
    if (!this.initError) this.log(`${message}\n${type}\n`, run);
    this.log(endLine(id), run);
    this.log(reportLine(id, 0, this.fn.settings.memorySize, this.maxMemoryMb, initMs), run);
    run.resolve({ payload, error: { type, message }, logResult: run.tail?.encode() });
  }

  private recordInitError(body: Buffer, errorType: string | undefined): void {
    const parsed = parseObject(body);
    this.initError = { payload: body, type: errorType ?? (typeof parsed.errorType === 'string' ? parsed.errorType : 'Runtime.Unknown') };
  }

  private onClosed(): void {
    if (this.dead) return;
    this.dead = true;
    clearTimeout(this.initTimer);
    this.api?.close();
    this.parked = undefined;
    const run = this.current;
    if (run && !run.finished) {
      if (!run.result) {
        // Out of memory reads as Lambda's sandbox kill, however the process went (watchdog or V8's abort).
        const reason = this.outOfMemory ? exitReason({ code: null, signal: 'SIGKILL' }) : exitReason(this.exitInfo);
        const type = this.outOfMemory ? 'Runtime.OutOfMemory' : 'Runtime.ExitError';
        const message = `RequestId: ${run.input.requestId} Error: ${reason}`;
        if (this.outOfMemory) this.maxMemoryMb = this.fn.settings.memorySize;
        run.result = {
          payload: Buffer.from(JSON.stringify({ errorType: type, errorMessage: message })),
          error: { type, message },
          trailer: `${message}\n${type}\n`,
        };
      }
      this.finish(run);
    }
    const queued = this.queued;
    this.queued = undefined;
    if (queued) this.failBeforeStart(queued);
    this.closedResolve();
    this.onDead?.();
  }

  private onLine(line: string): void {
    if (this.family === 'node' && isHeapOutOfMemoryLine(line)) this.outOfMemory = true;
    const message = lineToMessage(line);
    this.deps.sink.write(this.fn.region, this.fn.settings.logGroup, this.logStream, message);
    const run = this.current;
    if (run) {
      run.tail?.push(message);
    } else if (this.initMs === undefined && this.initLines.length < MAX_INIT_LINES) {
      this.initLines.push(message);
    }
  }

  private log(message: string, run: Running): void {
    this.deps.sink.write(this.fn.region, this.fn.settings.logGroup, this.logStream, message);
    run.tail?.push(message);
  }

  /** Peak resident memory of the runtime process (Linux), for REPORT's "Max Memory Used". */
  private async refreshMemory(): Promise<void> {
    this.memoryReadAt = performance.now();
    const file = this.procStatusFile();
    if (file) this.notePeakMemory(await readFile(file, 'utf8').catch(() => undefined));
  }

  private readMemorySync(): void {
    const file = this.procStatusFile();
    if (!file) return;
    try {
      this.notePeakMemory(readFileSync(file, 'utf8'));
    } catch {
      // the process is gone
    }
  }

  private procStatusFile(): string | undefined {
    const pid = this.child?.pid;
    return pid && process.platform === 'linux' ? `/proc/${pid}/status` : undefined;
  }

  private notePeakMemory(procStatus: string | undefined): void {
    const kb = procStatus && /VmHWM:\s+(\d+)\s+kB/.exec(procStatus);
    if (kb) this.maxMemoryMb = Math.max(this.maxMemoryMb, Math.ceil(Number(kb[1]) / 1024));
  }
}

function parseObject(body: Buffer): Record<string, unknown> {
  try {
    const value = JSON.parse(body.toString('utf8')) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
