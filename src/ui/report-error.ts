import { EvlabError, ExitCode, ValidationError, type ExitCodeValue } from '../errors.js';
import { describeSdkError } from '../aws/resources/errors.js';
import { errorJson, type Output } from './output.js';

/** The one place that turns an error into text (or JSON) and an exit code. */
export function reportError(err: unknown, out: Output): ExitCodeValue {
  if (err instanceof EvlabError) {
    if (out.json) {
      process.stdout.write(
        errorJson({
          code: err.code,
          message: err.message,
          hint: err.hint,
          location: err.location,
          problems: err instanceof ValidationError ? err.problems : undefined,
        }),
      );
    }
    const c = out.c;
    const lines = [`${c.red('error')} ${c.bold(`[${err.code}]`)} ${err.message}`];
    if (err instanceof ValidationError) {
      for (const p of err.problems) {
        lines.push(`  ${c.bold(p.path)}: ${p.message}`);
        if (p.hint) lines.push(`    ${c.cyan('hint:')} ${p.hint}`);
      }
    } else if (err.location) lines.push(`  ${c.dim('at:')} ${err.location}`);
    if (err.hint) lines.push(`  ${c.cyan('hint:')} ${err.hint}`);
    if (out.debug && err.cause) lines.push(c.dim(`  cause: ${formatCause(err.cause)}`));
    if (out.debug && err.stack) lines.push(c.dim(err.stack));
    out.errorText(lines.join('\n'));
    return err.exitCode;
  }
  const e = err as Error & { $metadata?: unknown; name?: string };
  const awsCall = e?.$metadata !== undefined;
  const { code, message } = awsCall ? describeSdkError(err) : { code: e?.name ?? 'Error', message: e?.message ?? String(err) };
  if (out.json) {
    process.stdout.write(errorJson({ code, message }));
  }
  out.errorText(`${out.c.red('error')} ${out.c.bold(`[${code}]`)} ${message}`);
  if (!awsCall) out.errorText(out.c.dim('  this looks like a bug in evlab; rerun with --debug and report it'));
  if (out.debug && e?.stack) out.errorText(out.c.dim(e.stack));
  return ExitCode.failed;
}

function formatCause(cause: unknown): string {
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`;
  return String(cause);
}
