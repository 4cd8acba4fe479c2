/**
 * A filter pattern CloudWatch Logs would refuse. The service turns it into InvalidParameterException
 * with this message, which is what FilterLogEvents (and metric/subscription filters) answer on AWS.
 */
export class FilterPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidParameterException';
  }
}

/** AWS's answer to a character that may not appear where it stands (an unquoted `:` in a term, a `,` in JSON...). */
export const invalidCharacter = (chars: string) => new FilterPatternError(`Invalid character(s) in term '${chars}'`);

/** AWS's answer to a pattern whose structure does not parse (unbalanced braces, a missing value...). */
export const invalidPattern = () => new FilterPatternError('Invalid filter pattern');
