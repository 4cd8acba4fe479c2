import { Output } from './ui/output.js';

/** Flags every command accepts. */
export interface GlobalFlags {
  config?: string;
  endpoint?: string;
  region?: string;
  allowRemote?: boolean;
  json?: boolean;
  debug?: boolean;
  color?: boolean;
  /** false with --no-auto-start */
  autoStart?: boolean;
  /** A SAM / CloudFormation template as the stack (src/template/). */
  template?: string;
  /** CloudFormation stack name a template runs as (default: the folder's name, or the CDK stack). */
  stackName?: string;
  /** Template parameters, Key=Value. */
  parameterOverrides?: string[];
  /** A template's unsupported resources and properties are errors rather than a report. */
  strict?: boolean;
  /** Writing to a remote (non-local) target without asking: the account and region are still printed. */
  yes?: boolean;
}

/** What a command needs from its surroundings; tests build one with their own cwd and streams. */
export interface CommandContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  flags: GlobalFlags;
  out: Output;
  /** Aborted on Ctrl-C; long-running commands (tail, fire --wait) stop on it. */
  signal: AbortSignal;
}

export function createContext(flags: GlobalFlags, overrides: Partial<CommandContext> = {}): CommandContext {
  return {
    cwd: process.cwd(),
    env: process.env,
    flags,
    out: new Output({ json: flags.json, debug: flags.debug, color: flags.color === false ? false : undefined }),
    signal: new AbortController().signal,
    ...overrides,
  };
}
