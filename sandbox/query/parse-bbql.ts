import type { BbqlComparisonOperator, BbqlExpr, BbqlLiteral } from './bbql-ast';
import { tokenizeBbql, type BbqlToken } from './bbql-tokenize';
import { describeLiteral } from './describe-literal';
import { parseIsoInstant } from './iso-instant';
import { queryErrors } from './query-errors';

/**
 * Parses Bitbucket's `q` parameter. Grammar (README.md, "BBQL"), lowest precedence first:
 *
 *   query      := or
 *   or         := and ("OR" and)*
 *   and        := primary ("AND" primary)*          -- AND binds tighter than OR, as in SQL
 *   primary    := "(" or ")" | path op literal | path ["NOT"] "IN" "(" literal ("," literal)* ")"
 *   op         := "=" | "!=" | "~" | "!~" | ">" | ">=" | "<" | "<="
 *   literal    := string | number | datetime | "true" | "false" | "null"
 *
 * Keywords are case-insensitive: the official examples write both `AND` and `and`.
 * Throws a 400 SandboxHttpError for anything else. An empty or blank `q` is an error here; callers treat an
 * absent or empty `q` parameter as "no filter" before calling.
 */
export function parseBbql(q: string): BbqlExpr {
  const parser = new BbqlParser(tokenizeBbql(q));
  if (parser.atEnd()) throw queryErrors.bbqlSyntax('empty query');
  const expr = parser.parseOr();
  parser.expectEnd();
  return expr;
}

const NUMBER = /^-?\d+(?:\.\d+)?$/;
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

class BbqlParser {
  private position = 0;

  constructor(private readonly tokens: BbqlToken[]) {}

  atEnd(): boolean {
    return this.position >= this.tokens.length;
  }

  expectEnd(): void {
    const token = this.peek();
    if (token) throw unexpected(token, 'expected AND, OR or the end of the query');
  }

  parseOr(): BbqlExpr {
    const operands = [this.parseAnd()];
    while (this.peekKeyword('OR')) {
      this.position += 1;
      operands.push(this.parseAnd());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'or', operands };
  }

  private parseAnd(): BbqlExpr {
    const operands = [this.parsePrimary()];
    while (this.peekKeyword('AND')) {
      this.position += 1;
      operands.push(this.parsePrimary());
    }
    return operands.length === 1 ? operands[0]! : { kind: 'and', operands };
  }

  private parsePrimary(): BbqlExpr {
    const token = this.next('a field name or "("');
    if (token.kind === 'punct' && token.text === '(') {
      const inner = this.parseOr();
      this.expectPunct(')');
      return inner;
    }
    if (token.kind !== 'path') {
      const hint = token.kind === 'keyword' && token.keyword === 'NOT' ? ' (there is no unary NOT; use !=, !~ or NOT IN)' : '';
      throw unexpected(token, `expected a field name or "("${hint}`);
    }
    if (!PATH.test(token.text)) {
      throw queryErrors.bbqlSyntax(`invalid field name "${token.text}" at column ${token.column}`);
    }
    const path = token.text;
    const operatorToken = this.next(`an operator after "${path}"`);
    if (operatorToken.kind === 'keyword' && (operatorToken.keyword === 'IN' || operatorToken.keyword === 'NOT')) {
      const negated = operatorToken.keyword === 'NOT';
      if (negated) {
        const inToken = this.next('IN after NOT');
        if (inToken.kind !== 'keyword' || inToken.keyword !== 'IN') throw unexpected(inToken, 'expected IN after NOT');
      }
      return { kind: 'in', path, negated, values: this.parseList() };
    }
    if (operatorToken.kind !== 'operator') {
      throw unexpected(operatorToken, `expected an operator (=, !=, ~, !~, >, >=, <, <=, IN, NOT IN) after "${path}"`);
    }
    const operator = operatorToken.text;
    const value = this.parseLiteral(`a value after "${operator}"`);
    checkOperand(path, operator, value);
    return { kind: 'comparison', path, operator, value };
  }

  private parseList(): BbqlLiteral[] {
    this.expectPunct('(');
    const values = [this.parseLiteral('a value in the list')];
    for (;;) {
      const token = this.next('"," or ")" in the list');
      if (token.kind === 'punct' && token.text === ')') break;
      if (token.kind !== 'punct' || token.text !== ',') throw unexpected(token, 'expected "," or ")" in the list');
      values.push(this.parseLiteral('a value after ","'));
    }
    return values;
  }

  private parseLiteral(expected: string): BbqlLiteral {
    const token = this.next(expected);
    switch (token.kind) {
      case 'string':
        return { type: 'string', value: token.value };
      case 'bare': {
        if (NUMBER.test(token.text)) return { type: 'number', value: Number(token.text), text: token.text };
        const epochMicros = parseIsoInstant(token.text);
        if (epochMicros !== undefined) return { type: 'datetime', epochMicros, text: token.text };
        throw queryErrors.bbqlSyntax(
          `"${token.text}" at column ${token.column} is neither a number nor an ISO-8601 date or datetime`,
        );
      }
      case 'keyword':
        if (token.keyword === 'TRUE' || token.keyword === 'FALSE') return { type: 'boolean', value: token.keyword === 'TRUE' };
        if (token.keyword === 'NULL') return { type: 'null' };
        break;
      case 'path':
        throw queryErrors.bbqlSyntax(
          `expected ${expected} at column ${token.column}, found "${token.text}" (quote strings with double quotes)`,
        );
      default:
        break;
    }
    throw unexpected(token, `expected ${expected}`);
  }

  private expectPunct(text: '(' | ')'): void {
    const token = this.next(`"${text}"`);
    if (token.kind !== 'punct' || token.text !== text) throw unexpected(token, `expected "${text}"`);
  }

  private peek(): BbqlToken | undefined {
    return this.tokens[this.position];
  }

  private peekKeyword(keyword: 'AND' | 'OR'): boolean {
    const token = this.peek();
    return token?.kind === 'keyword' && token.keyword === keyword;
  }

  private next(expected: string): BbqlToken {
    const token = this.tokens[this.position];
    if (!token) throw queryErrors.bbqlSyntax(`unexpected end of input; expected ${expected}`);
    this.position += 1;
    return token;
  }
}

/**
 * Operand checks that need no data. `~`/`!~` are text searches, so they take a string; ordering operators need
 * an ordered value (Bitbucket: numbers, datetimes and strings such as ordered enums); null only suits = and !=.
 */
function checkOperand(path: string, operator: BbqlComparisonOperator, value: BbqlLiteral): void {
  if ((operator === '~' || operator === '!~') && value.type !== 'string') {
    throw queryErrors.typeMismatch(path, `the ${operator} operator needs a quoted string, not ${describeLiteral(value)}`);
  }
  if ((operator === '>' || operator === '>=' || operator === '<' || operator === '<=') && (value.type === 'null' || value.type === 'boolean')) {
    throw queryErrors.typeMismatch(path, `the ${operator} operator cannot compare with ${describeLiteral(value)}`);
  }
}

function unexpected(token: BbqlToken, expectation: string): ReturnType<typeof queryErrors.bbqlSyntax> {
  return queryErrors.bbqlSyntax(`unexpected ${describeToken(token)} at column ${token.column}; ${expectation}`);
}

function describeToken(token: BbqlToken): string {
  switch (token.kind) {
    case 'string':
      return `string ${JSON.stringify(token.value)}`;
    case 'punct':
    case 'operator':
    case 'bare':
    case 'keyword':
    case 'path':
      return `"${token.text}"`;
  }
}
