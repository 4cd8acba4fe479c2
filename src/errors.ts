/**
 * Every error evlab reports carries a stable code, says whose fault it is and how to fix it.
 * One place (src/ui/report-error.ts) turns these into text and an exit code.
 */
import { portOf } from './aws/url-port.js';

export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export interface ErrorDetails {
  hint?: string;
  /** Where the problem is: a file, file:line:col, or a JSON path such as `functions.counter.runtime`. */
  location?: string;
  cause?: unknown;
}

export class EvlabError extends Error {
  readonly code: string;
  readonly hint?: string;
  readonly location?: string;
  readonly exitCode: ExitCodeValue;

  constructor(code: string, message: string, exitCode: ExitCodeValue, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'EvlabError';
    this.code = code;
    this.hint = details.hint;
    this.location = details.location;
    this.exitCode = exitCode;
  }
}

/** The user's input (stack file, event file, flags) is wrong. Exit 2. */
export class ConfigError extends EvlabError {
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(code, message, ExitCode.usage, details);
    this.name = 'ConfigError';
  }
}

/** One problem among several found while validating a file. */
export interface Problem {
  /** JSON path (`functions.counter.runtime`) or `file:line:col`. */
  path: string;
  message: string;
  hint?: string;
}

/** Validation found problems; all of them are reported at once, before anything is touched. */
export class ValidationError extends ConfigError {
  readonly problems: Problem[];
  readonly file?: string;
  constructor(code: string, file: string | undefined, problems: Problem[]) {
    const where = file ? ` in ${file}` : '';
    super(code, `${problems.length} problem${problems.length === 1 ? '' : 's'}${where}`, {
      location: file,
    });
    this.name = 'ValidationError';
    this.problems = problems;
    this.file = file;
  }
}

/** Nothing answers at the endpoint. Exit 3. */
export class UnreachableError extends EvlabError {
  constructor(endpoint: string, details: ErrorDetails = {}) {
    super(
      'EndpointUnreachable',
      `nothing answers at ${endpoint}`,
      ExitCode.unreachable,
      {
        hint: details.hint ?? startHint(endpoint),
        ...details,
      },
    );
    this.name = 'UnreachableError';
  }
}

/** How to start something at that endpoint's port: the commands name it, so they can be pasted as they are. */
function startHint(endpoint: string): string {
  let port = '4566';
  try {
    port = String(portOf(new URL(endpoint)));
  } catch {
    // not a URL: the default port's commands still help
  }
  const portFlag = port === '4566' ? '' : ` --port ${port}`;
  return (
    `start a local endpoint: \`evlab up --detach${portFlag}\` (embedded engine, no Docker), ` +
    `\`localstack start\`${port === '4566' ? '' : ` (port 4566)`}, or \`MOTO_ACCOUNT_ID=000000000000 python3 -m moto.server -p ${port}\``
  );
}

/** An AWS call or a step of a command failed. Exit 1. */
export class OperationError extends EvlabError {
  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(code, message, ExitCode.failed, details);
    this.name = 'OperationError';
  }
}

export function isEvlabError(err: unknown): err is EvlabError {
  return err instanceof EvlabError;
}
