import { invalidCharacter, invalidPattern } from './filter-error.js';

/**
 * Characters AWS allows inside a `%regex%` filter term: letters, digits, a few symbols and the regex
 * operators it supports. Parentheses (groups), spaces and multibyte characters are refused
 * ("Supported regular expressions (regex) syntax", CloudWatch Logs user guide).
 */
const REGEX_CHAR = /^[A-Za-z0-9_#=@/;,:\-^$?[\]{}|\\*+.]$/;

/** A cursor over a filter pattern, shared by the term, JSON and space-delimited parsers. */
export class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  get done(): boolean {
    return this.pos >= this.text.length;
  }

  peek(offset = 0): string {
    return this.text[this.pos + offset] ?? '';
  }

  startsWith(s: string): boolean {
    return this.text.startsWith(s, this.pos);
  }

  /** Consumes `s` when it comes next. */
  eat(s: string): boolean {
    if (!this.startsWith(s)) return false;
    this.pos += s.length;
    return true;
  }

  expect(s: string): void {
    if (!this.eat(s)) throw invalidPattern();
  }

  skipSpace(): void {
    while (this.pos < this.text.length && isSpace(this.text.charCodeAt(this.pos))) this.pos++;
  }

  atSpaceOrEnd(): boolean {
    return this.done || isSpace(this.text.charCodeAt(this.pos));
  }

  readWhile(allowed: (ch: string) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && allowed(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A double-quoted string at the cursor; `\"` and `\\` are escapes, as CDK's quoting relies on. */
  readQuoted(): string {
    this.expect('"');
    let out = '';
    while (!this.done) {
      const ch = this.text[this.pos++]!;
      if (ch === '"') return out;
      if (ch === '\\' && !this.done) {
        out += this.text[this.pos++]!;
        continue;
      }
      out += ch;
    }
    throw invalidPattern();
  }

  /** A `%regex%` term at the cursor, validated against the subset AWS accepts and compiled once. */
  readRegex(): RegExp {
    this.expect('%');
    const start = this.pos;
    while (!this.done && this.peek() !== '%') {
      const ch = this.text[this.pos]!;
      if (!REGEX_CHAR.test(ch)) throw invalidCharacter(ch);
      this.pos++;
    }
    if (this.done) throw invalidPattern();
    const source = this.text.slice(start, this.pos);
    this.pos++;
    if (source.length === 0) throw invalidPattern();
    try {
      return new RegExp(source);
    } catch {
      throw invalidPattern();
    }
  }
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
