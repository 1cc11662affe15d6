import { queryErrors } from './query-errors';

/**
 * Splits a BBQL string into tokens. Lexical rules (README.md, "BBQL"):
 * - strings are double-quoted; inside them `\"` is a quote and `\\` a backslash; any other backslash is an error;
 * - a bare literal starts with a digit or with `-` and a digit and runs over `[0-9A-Za-z:.+-]`, so unquoted
 *   datetimes such as `2015-10-04T14:00:00-07:00` are one token; it is then a number or a datetime, else an error;
 * - a word (`[A-Za-z_][A-Za-z0-9_.]*`) is a keyword when it spells one, case-insensitively, and a field path otherwise.
 */
export type BbqlToken =
  | { kind: 'punct'; text: '(' | ')' | ','; column: number }
  | { kind: 'operator'; text: '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<='; column: number }
  | { kind: 'string'; value: string; column: number }
  | { kind: 'bare'; text: string; column: number }
  | { kind: 'keyword'; keyword: BbqlKeyword; text: string; column: number }
  | { kind: 'path'; text: string; column: number };

export type BbqlKeyword = 'AND' | 'OR' | 'IN' | 'NOT' | 'TRUE' | 'FALSE' | 'NULL';

const KEYWORDS: ReadonlySet<string> = new Set(['AND', 'OR', 'IN', 'NOT', 'TRUE', 'FALSE', 'NULL']);
const WHITESPACE = /\s/u;
const WORD_START = /[A-Za-z_]/;
const WORD_PART = /[A-Za-z0-9_.]/;
const BARE_PART = /[0-9A-Za-z:.+-]/;
const DIGIT = /[0-9]/;

export function tokenizeBbql(input: string): BbqlToken[] {
  const tokens: BbqlToken[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i]!;
    const column = i + 1;
    if (WHITESPACE.test(char)) {
      i += 1;
    } else if (char === '(' || char === ')' || char === ',') {
      tokens.push({ kind: 'punct', text: char, column });
      i += 1;
    } else if (char === '"') {
      const { value, end } = readString(input, i);
      tokens.push({ kind: 'string', value, column });
      i = end;
    } else if (DIGIT.test(char) || (char === '-' && DIGIT.test(input[i + 1] ?? ''))) {
      const end = scan(input, i + 1, BARE_PART);
      tokens.push({ kind: 'bare', text: input.slice(i, end), column });
      i = end;
    } else if (WORD_START.test(char)) {
      const end = scan(input, i + 1, WORD_PART);
      const text = input.slice(i, end);
      const upper = text.toUpperCase();
      tokens.push(
        KEYWORDS.has(upper)
          ? { kind: 'keyword', keyword: upper as BbqlKeyword, text, column }
          : { kind: 'path', text, column },
      );
      i = end;
    } else {
      const operator = readOperator(input, i);
      if (!operator) throw queryErrors.bbqlSyntax(`unexpected character "${char}" at column ${column}`);
      tokens.push({ kind: 'operator', text: operator, column });
      i += operator.length;
    }
  }
  return tokens;
}

function scan(input: string, from: number, allowed: RegExp): number {
  let end = from;
  while (end < input.length && allowed.test(input[end]!)) end += 1;
  return end;
}

function readOperator(input: string, at: number): (BbqlToken & { kind: 'operator' })['text'] | undefined {
  const two = input.slice(at, at + 2);
  if (two === '!=' || two === '!~' || two === '>=' || two === '<=') return two;
  const one = input[at];
  if (one === '=' || one === '~' || one === '>' || one === '<') return one;
  return undefined;
}

function readString(input: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  while (i < input.length) {
    const char = input[i]!;
    if (char === '"') return { value, end: i + 1 };
    if (char === '\\') {
      const escaped = input[i + 1];
      if (escaped !== '"' && escaped !== '\\') {
        const shown = escaped === undefined ? 'end of input' : `"\\${escaped}"`;
        throw queryErrors.bbqlSyntax(
          `invalid escape ${shown} at column ${i + 1}; inside a string only \\" and \\\\ are escapes`,
        );
      }
      value += escaped;
      i += 2;
    } else {
      value += char;
      i += 1;
    }
  }
  throw queryErrors.bbqlSyntax(`unterminated string starting at column ${start + 1}`);
}
