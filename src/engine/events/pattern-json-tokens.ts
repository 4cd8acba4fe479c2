import { patternError } from './pattern-error.js';

/**
 * A pull tokenizer for the pattern text, shaped like the Jackson streaming parser EventBridge uses.
 *
 * Why not JSON.parse: AWS reads the pattern as a token stream, so (1) a repeated key is not an error, each
 * occurrence is compiled in turn and a later one overrides an earlier one on the same field path, (2) number
 * literals keep their text, and (3) a semantic error early in the text is reported before a syntax error
 * further on. A parsed object would lose all three.
 */
export type TokenKind =
  | 'startObject'
  | 'endObject'
  | 'fieldName'
  | 'startArray'
  | 'endArray'
  | 'string'
  | 'number'
  | 'true'
  | 'false'
  | 'null'
  | 'end';

export interface Token {
  kind: TokenKind;
  /** Field name or string value (unescaped), number literal as written, or the punctuation itself. */
  text: string;
}

type Context =
  | { in: 'root'; state: 'value' | 'done' }
  | { in: 'object'; state: 'firstName' | 'value' | 'commaOrEnd' }
  | { in: 'array'; state: 'firstValue' | 'commaOrEnd' };

const NUMBER_LITERAL = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

export class JsonTokenStream {
  private pos = 0;
  private readonly stack: Context[] = [{ in: 'root', state: 'value' }];

  constructor(readonly source: string) {}

  next(): Token {
    this.skipWhitespace();
    const ctx = this.stack[this.stack.length - 1]!;
    switch (ctx.in) {
      case 'root':
        if (ctx.state === 'done') return { kind: 'end', text: '' };
        ctx.state = 'done';
        return this.value();
      case 'object':
        return this.inObject(ctx);
      case 'array':
        return this.inArray(ctx);
    }
  }

  /** After the pattern object, only whitespace may follow. */
  expectEnd(): void {
    this.skipWhitespace();
    if (this.pos < this.source.length) {
      throw this.unexpected('expected end of input after the pattern object');
    }
  }

  /** Rejects the pattern, pointing just past the last token read, where AWS's parser reports it too. */
  fail(reason: string): never {
    throw patternError(reason, this.source, this.pos);
  }

  private inObject(ctx: Extract<Context, { in: 'object' }>): Token {
    const ch = this.source[this.pos];
    if (ctx.state === 'value') {
      ctx.state = 'commaOrEnd';
      return this.value();
    }
    if (ch === '}') {
      this.pos++;
      this.stack.pop();
      return { kind: 'endObject', text: '}' };
    }
    if (ctx.state === 'commaOrEnd') {
      if (ch !== ',') {
        throw this.unexpected('was expecting comma to separate Object entries');
      }
      this.pos++;
      this.skipWhitespace();
    }
    if (this.source[this.pos] !== '"') {
      throw this.unexpected('was expecting double-quote to start field name');
    }
    const name = this.stringLiteral();
    this.skipWhitespace();
    if (this.source[this.pos] !== ':') {
      throw this.unexpected('was expecting a colon to separate field name and value');
    }
    this.pos++;
    ctx.state = 'value';
    return { kind: 'fieldName', text: name };
  }

  private inArray(ctx: Extract<Context, { in: 'array' }>): Token {
    if (this.source[this.pos] === ']') {
      this.pos++;
      this.stack.pop();
      return { kind: 'endArray', text: ']' };
    }
    if (ctx.state === 'commaOrEnd') {
      if (this.source[this.pos] !== ',') {
        throw this.unexpected('was expecting comma to separate Array entries');
      }
      this.pos++;
      this.skipWhitespace();
    }
    ctx.state = 'commaOrEnd';
    return this.value();
  }

  private value(): Token {
    const ch = this.source[this.pos];
    switch (ch) {
      case '{':
        this.pos++;
        this.stack.push({ in: 'object', state: 'firstName' });
        return { kind: 'startObject', text: '{' };
      case '[':
        this.pos++;
        this.stack.push({ in: 'array', state: 'firstValue' });
        return { kind: 'startArray', text: '[' };
      case '"':
        return { kind: 'string', text: this.stringLiteral() };
      case 't':
        return this.keyword('true');
      case 'f':
        return this.keyword('false');
      case 'n':
        return this.keyword('null');
      default:
        if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.numberLiteral();
        if (ch === undefined) throw this.syntaxError('Unexpected end-of-input: expected a value');
        throw this.unexpected(
          "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
        );
    }
  }

  private keyword(word: 'true' | 'false' | 'null'): Token {
    if (this.source.startsWith(word, this.pos) && !/[A-Za-z0-9_]/.test(this.source[this.pos + word.length] ?? '')) {
      this.pos += word.length;
      return { kind: word, text: word };
    }
    const found = this.source.slice(this.pos, this.pos + 16);
    throw this.syntaxError(`Unrecognized token starting at '${found}': was expecting ${word}`);
  }

  private numberLiteral(): Token {
    NUMBER_LITERAL.lastIndex = this.pos;
    const match = NUMBER_LITERAL.exec(this.source);
    const follower = match ? this.source[this.pos + match[0].length] : undefined;
    if (!match || (follower !== undefined && /[0-9A-Za-z.+-]/.test(follower))) {
      throw this.syntaxError(`Invalid numeric value starting at '${this.source.slice(this.pos, this.pos + 16)}'`);
    }
    this.pos += match[0].length;
    return { kind: 'number', text: match[0] };
  }

  private stringLiteral(): string {
    const start = ++this.pos;
    let out = '';
    let chunkStart = start;
    for (;;) {
      const code = this.source.charCodeAt(this.pos);
      if (Number.isNaN(code)) throw this.syntaxError('Unexpected end-of-input in a String value');
      if (code === 0x22) {
        out += this.source.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (code < 0x20) {
        throw this.syntaxError(
          `Illegal unquoted character ((CTRL-CHAR, code ${code})): ` +
            'has to be escaped using backslash to be included in string value',
        );
      }
      if (code === 0x5c) {
        out += this.source.slice(chunkStart, this.pos);
        out += this.escapeSequence();
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
  }

  private escapeSequence(): string {
    const esc = this.source[this.pos + 1];
    this.pos += 2;
    switch (esc) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.source.slice(this.pos, this.pos + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          throw this.syntaxError('Unexpected character in a \\u escape: expected a hex-digit');
        }
        this.pos += 4;
        return String.fromCharCode(parseInt(hex, 16));
      }
      default:
        this.pos--;
        throw this.syntaxError(`Unrecognized character escape '${esc ?? ''}'`);
    }
  }

  private skipWhitespace(): void {
    const s = this.source;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.pos++;
    }
  }

  private describeChar(): string {
    const ch = this.source[this.pos];
    if (ch === undefined) return 'end-of-input';
    return `'${ch}' (code ${ch.charCodeAt(0)})`;
  }

  private unexpected(expectation: string) {
    return this.syntaxError(`Unexpected character (${this.describeChar()}): ${expectation}`);
  }

  private syntaxError(reason: string) {
    return patternError(reason, this.source, this.pos);
  }
}
