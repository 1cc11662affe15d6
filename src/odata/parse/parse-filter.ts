/**
 * `$filter` (and `$orderby` expressions) → our Expr, by precedence climbing over the text (OData 4.01 Part 2
 * §5.1.1, operator precedence in §5.1.1.10: primary (incl. `in`, `has`, calls), unary (`-`, `not`), multiplicative
 * (`mul div divby mod`), additive (`add sub`), relational (`gt ge lt le`), equality (`eq ne`), `and`, `or`; every
 * binary operator is left-associative).
 *
 * Operator and built-in function names are case-insensitive (the ABNF writes them as double-quoted, i.e.
 * case-insensitive, strings, and the OASIS test case `Name EQ 'Milk' AND Price LT 2.55` is positive); the tree holds
 * them in lower case.
 *
 * Why not the `odata-v4-parser` package: measured here, 0.1.29 (last published 2017) rejects the 4.01 `in` operator,
 * `divby`, and any leading or trailing whitespace, and recurses without a bound (a deep input overflows the stack);
 * `@odata/parser` behaves the same and `@balena/odata-parser` rejects unquoted DateTimeOffset literals, which Power
 * Query sends. Adapting a tree we would then have to re-check costs more than this grammar, which is small, and the
 * OASIS ABNF test cases (spec/odata/parse) hold it to the standard.
 *
 * Safety: the text is measured and its nesting counted before parsing, and recursion is bounded by a depth counter,
 * so no input can overflow the stack or take more than linear time.
 */
import type { ArithmeticOperator, ComparisonOperator, Expr, FunctionName } from '../ast';
import { ODataError } from '../errors';
import { DEFAULT_PARSE_LIMITS, type ParseLimits } from './limits';
import { matchLiteral } from './literal';

const FUNCTIONS: ReadonlySet<string> = new Set<FunctionName>([
  'contains', 'startswith', 'endswith', 'tolower', 'toupper', 'length', 'trim', 'concat', 'indexof', 'substring',
  'year', 'month', 'day', 'hour', 'minute', 'second', 'fractionalseconds', 'date', 'time', 'now', 'round', 'floor', 'ceiling',
]);

/** Argument counts of the canonical functions (OData 4.01 Part 2 §5.1.1.5-5.1.1.9): `substring` takes 2 or 3. */
const ARITY: Readonly<Record<FunctionName, readonly [min: number, max: number]>> = {
  contains: [2, 2], startswith: [2, 2], endswith: [2, 2], tolower: [1, 1], toupper: [1, 1], length: [1, 1],
  trim: [1, 1], concat: [2, 2], indexof: [2, 2], substring: [2, 3], year: [1, 1], month: [1, 1], day: [1, 1],
  hour: [1, 1], minute: [1, 1], second: [1, 1], fractionalseconds: [1, 1], date: [1, 1], time: [1, 1], now: [0, 0],
  round: [1, 1], floor: [1, 1], ceiling: [1, 1],
};

/** Functions of the OData grammar that this service does not evaluate: a clear 501 rather than "unknown function". */
const UNSUPPORTED_FUNCTIONS: ReadonlySet<string> = new Set([
  'matchespattern', 'totaloffsetminutes', 'totalseconds', 'maxdatetime', 'mindatetime', 'cast', 'isof',
  'geo.distance', 'geo.intersects', 'geo.length', 'hassubset', 'hassubsequence', 'case',
]);

const OR: ReadonlySet<string> = new Set(['or']);
const AND: ReadonlySet<string> = new Set(['and']);
const EQUALITY: ReadonlySet<string> = new Set(['eq', 'ne']);
const RELATIONAL: ReadonlySet<string> = new Set(['gt', 'ge', 'lt', 'le']);
const PRIMARY_OPERATORS: ReadonlySet<string> = new Set(['in', 'has']);
const MULTIPLICATIVE: ReadonlySet<string> = new Set(['mul', 'div', 'divby', 'mod']);
const ADDITIVE: ReadonlySet<string> = new Set(['add', 'sub']);

/** Largest nesting of parentheses outside string literals: a cheap, non-recursive pre-check. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "'") inString = !inString;
    else if (!inString && ch === '(') max = Math.max(max, ++depth);
    else if (!inString && ch === ')') depth -= 1;
  }
  return max;
}

class FilterParser {
  private pos = 0;
  private depth = 0;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
    private readonly option: string,
  ) {}

  parse(): Expr {
    this.skipSpace();
    if (this.pos >= this.text.length) this.fail('it is empty');
    const expr = this.parseOr();
    this.skipSpace();
    if (this.pos < this.text.length) this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 20)}' at position ${this.pos + 1}`);
    return expr;
  }

  /** For $orderby: parse one expression, leave the cursor after it. */
  parsePrefix(): Expr {
    this.skipSpace();
    return this.parseOr();
  }

  get position(): number {
    return this.pos;
  }

  set position(value: number) {
    this.pos = value;
  }

  fail(reason: string): never {
    throw new ODataError(this.option === '$filter' ? 'InvalidFilter' : 'InvalidOrderBy', { reason });
  }

  private enter(): void {
    if (++this.depth > this.maxDepth * 4) {
      throw new ODataError('FilterTooDeep', { option: this.option, depth: `more than ${this.maxDepth}`, limit: this.maxDepth });
    }
  }

  private leave(): void {
    this.depth -= 1;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos += 1;
  }

  /** The word at the cursor (letters and dots), as written. */
  private peekWord(): string | undefined {
    const match = /^[A-Za-z.]+/.exec(this.text.slice(this.pos, this.pos + 40));
    return match ? match[0] : undefined;
  }

  /** An operator of `set` (any case) followed by whitespace or `(`, e.g. ` and `; returned in lower case. */
  private acceptOperator(set: ReadonlySet<string>): string | undefined {
    const save = this.pos;
    this.skipSpace();
    const word = this.peekWord()?.toLowerCase();
    if (word && set.has(word)) {
      const after = this.text[this.pos + word.length];
      if (after !== undefined && /[\s(]/.test(after)) {
        this.pos += word.length;
        this.skipSpace();
        return word;
      }
    }
    this.pos = save;
    return undefined;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.acceptOperator(OR)) left = { kind: 'or', left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseEquality();
    while (this.acceptOperator(AND)) left = { kind: 'and', left, right: this.parseEquality() };
    return left;
  }

  private parseEquality(): Expr {
    let left = this.parseRelational();
    for (let op = this.acceptOperator(EQUALITY); op; op = this.acceptOperator(EQUALITY)) {
      left = { kind: 'compare', op: op as ComparisonOperator, left, right: this.parseRelational() };
    }
    return left;
  }

  private parseRelational(): Expr {
    let left = this.parseAdditive();
    for (;;) {
      const op = this.acceptOperator(RELATIONAL);
      if (!op) return left;
      left = { kind: 'compare', op: op as ComparisonOperator, left, right: this.parseAdditive() };
    }
  }

  /**
   * `( literal, literal, ... )` after `in` (ABNF `listExpr`, OData 4.01 §5.1.1.1.12). The 4.01 JSON-array form
   * `in ["a","b"]` is a JSON literal like any other here: 501, with the list form as the hint.
   */
  private parseList(): Expr[] {
    this.skipSpace();
    const open = this.text[this.pos];
    if (open === '[') {
      throw new ODataError('NotImplemented', { feature: "JSON arrays after 'in'", hint: "Write the list in parentheses, e.g. State in ('OPEN','MERGED')." });
    }
    const close = open === '(' ? ')' : undefined;
    if (!close) this.fail("'in' must be followed by a parenthesised list, e.g. State in ('OPEN','MERGED')");
    this.pos += 1;
    const items: Expr[] = [];
    this.skipSpace();
    if (this.text[this.pos] === close) this.fail("the list after 'in' is empty");
    for (;;) {
      this.skipSpace();
      const item = this.parsePrimary();
      // ABNF `listExpr`: primitive literals only; `Name in (Name, Other)` is not a list.
      if (item.kind !== 'literal') this.fail(`the list after 'in' may contain only literals (strings, numbers, dates…)`);
      items.push(item);
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.pos += 1;
        continue;
      }
      if (ch === close) {
        this.pos += 1;
        return items;
      }
      this.fail(`expected ',' or '${close}' in the 'in' list at position ${this.pos + 1}`);
    }
  }

  private parseAdditive(): Expr {
    let left = this.parseMultiplicative();
    for (let op = this.acceptOperator(ADDITIVE); op; op = this.acceptOperator(ADDITIVE)) {
      left = { kind: 'arith', op: op as ArithmeticOperator, left, right: this.parseMultiplicative() };
    }
    return left;
  }

  private parseMultiplicative(): Expr {
    let left = this.parseUnary();
    for (let op = this.acceptOperator(MULTIPLICATIVE); op; op = this.acceptOperator(MULTIPLICATIVE)) {
      left = { kind: 'arith', op: op as ArithmeticOperator, left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): Expr {
    this.enter();
    try {
      this.skipSpace();
      const word = this.peekWord()?.toLowerCase();
      // `not` at the very end is the operator missing its operand, not a property called "not".
      if (word === 'not' && /^[\s(]?$/.test(this.text[this.pos + 3] ?? '')) {
        this.pos += 3;
        this.skipSpace();
        return { kind: 'not', operand: this.parseUnary() };
      }
      if (this.text[this.pos] === '-' && matchLiteral(this.text, this.pos) === undefined) {
        this.pos += 1;
        this.skipSpace();
        return { kind: 'negate', operand: this.parseUnary() };
      }
      return this.parsePostfix();
    } finally {
      this.leave();
    }
  }

  /** `in` and `has` bind like primary operators (OData 4.01 Part 2 §5.1.1.10): `not X in (...)` is `not (X in (...))`. */
  private parsePostfix(): Expr {
    let expr = this.parsePrimary();
    for (let op = this.acceptOperator(PRIMARY_OPERATORS); op; op = this.acceptOperator(PRIMARY_OPERATORS)) {
      if (op === 'has') throw new ODataError('NotImplemented', { feature: "The 'has' operator", hint: 'This service has no enumeration types.' });
      expr = { kind: 'in', operand: expr, list: this.parseList() };
    }
    return expr;
  }

  private parsePrimary(): Expr {
    this.enter();
    try {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === undefined) this.fail('it ends where an operand was expected');
      if (ch === '(') {
        this.pos += 1;
        const inner = this.parseOr();
        this.skipSpace();
        if (this.text[this.pos] !== ')') this.fail(`missing ')' at position ${this.pos + 1}`);
        this.pos += 1;
        return inner;
      }
      if (ch === '@') throw new ODataError('NotImplemented', { feature: 'Parameter aliases (@name)', hint: 'Write the value inline.' });
      if (ch === '$') {
        const word = /^\$\w+/.exec(this.text.slice(this.pos))?.[0] ?? '$';
        throw new ODataError('NotImplemented', { feature: `${word} in expressions`, hint: 'Refer to properties by name.' });
      }
      if (ch === '{' || ch === '[') throw new ODataError('NotImplemented', { feature: 'JSON literals in expressions', hint: 'Compare properties one by one.' });
      const literal = matchLiteral(this.text, this.pos);
      if (literal === 'unterminated-string') this.fail(`the string starting at position ${this.pos + 1} has no closing quote (write a quote inside a string as '')`);
      if (literal) {
        this.pos += literal.length;
        return { kind: 'literal', type: literal.type, value: literal.value };
      }
      const identifier = /^[A-Za-z_][\w.]*/.exec(this.text.slice(this.pos, this.pos + 200))?.[0];
      if (!identifier) this.fail(`unexpected '${this.text.slice(this.pos, this.pos + 20)}' at position ${this.pos + 1}`);
      this.pos += identifier.length;
      if (this.text[this.pos] === "'" && identifier.toLowerCase() === 'duration') {
        const end = this.text.indexOf("'", this.pos + 1);
        const written = this.text.slice(this.pos - identifier.length, end < 0 ? this.pos + 20 : Math.min(end + 1, this.pos + 40));
        this.fail(`${written} is not a valid duration; write days, hours, minutes and seconds, e.g. duration'P1DT2H30M'`);
      }
      if (this.text[this.pos] === "'") {
        throw new ODataError('NotImplemented', { feature: `Typed literals (${identifier}'...')`, hint: 'Use a string, number, date or GUID literal.' });
      }
      if (this.text[this.pos] === '(') return this.parseCall(identifier);
      if (this.text[this.pos] === '/') return this.parsePath(identifier);
      if (identifier.includes('.')) this.fail(`'${identifier}' is not a property name`);
      return { kind: 'property', name: identifier };
    } finally {
      this.leave();
    }
  }

  /**
   * `First/Second/…` (ABNF `memberExpr`): the segments, for validation to judge against the model (see the `path`
   * node). Lambdas (`Nav/any(…)`) and bound functions on a path are refused here: neither is offered.
   */
  private parsePath(first: string): Expr {
    const segments = [first];
    while (this.text[this.pos] === '/') {
      const next = /^\/([$\w.]+)/.exec(this.text.slice(this.pos, this.pos + 200))?.[1];
      if (next === undefined) this.fail(`'${segments.join('/')}/' must be followed by a property name at position ${this.pos + 2}`);
      if (next === 'any' || next === 'all') throw new ODataError('NotImplemented', { feature: `Lambda operator ${next}`, hint: 'Query the related entity set directly with a $filter.' });
      segments.push(next);
      this.pos += next.length + 1;
    }
    if (this.text[this.pos] === '(') {
      throw new ODataError('NotImplemented', { feature: `Functions on a path (${segments.join('/')}(…))`, hint: 'Use the canonical functions on properties, e.g. contains(Title,\'fix\').' });
    }
    return { kind: 'path', segments };
  }

  private parseCall(written: string): Expr {
    const name = written.toLowerCase();
    if (UNSUPPORTED_FUNCTIONS.has(name)) throw new ODataError('NotImplemented', { feature: `The function ${written}`, hint: `Supported functions: ${[...FUNCTIONS].join(', ')}.` });
    if (!FUNCTIONS.has(name)) this.fail(`unknown function '${written}'; supported: ${[...FUNCTIONS].join(', ')}`);
    this.pos += 1; // '('
    const args: Expr[] = [];
    const call = (): Expr => {
      const [min, max] = ARITY[name as FunctionName];
      if (args.length < min || args.length > max) {
        const expected = min === max ? String(min) : `${min} or ${max}`;
        this.fail(`function ${name} takes ${expected} argument${expected === '1' ? '' : 's'}, got ${args.length}`);
      }
      return { kind: 'call', name: name as FunctionName, args };
    };
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos += 1;
      return call();
    }
    for (;;) {
      args.push(this.parseOr());
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === ',') {
        this.pos += 1;
        continue;
      }
      if (ch === ')') {
        this.pos += 1;
        return call();
      }
      this.fail(`expected ',' or ')' in the arguments of ${name} at position ${this.pos + 1}`);
    }
  }
}

function guard(text: string, limits: ParseLimits, option: string): void {
  // Depth first: it is the more specific message for a deeply nested input, and the scan is linear either way.
  const depth = nestingDepth(text);
  if (depth > limits.maxDepth) throw new ODataError('FilterTooDeep', { option, depth, limit: limits.maxDepth });
  if (option === '$filter' && text.length > limits.maxFilterLength) {
    throw new ODataError('FilterTooLong', { length: text.length, limit: limits.maxFilterLength });
  }
}

export function parseFilter(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Expr {
  guard(text, limits, '$filter');
  return new FilterParser(text, limits.maxDepth, '$filter').parse();
}

/** `$orderby`: comma-separated `expression [asc|desc]`; only properties can be ordered by here. */
export function parseOrderByExpressions(text: string, limits: ParseLimits = DEFAULT_PARSE_LIMITS): Array<{ expr: Expr; direction: 'asc' | 'desc' }> {
  guard(text, limits, '$orderby');
  const parser = new FilterParser(text, limits.maxDepth, '$orderby');
  const items: Array<{ expr: Expr; direction: 'asc' | 'desc' }> = [];
  for (;;) {
    const expr = parser.parsePrefix();
    parser.skipSpace();
    let direction: 'asc' | 'desc' = 'asc';
    const rest = text.slice(parser.position, parser.position + 5);
    // ABNF `orderbyItem = commonExpr [ RWS ( "asc" / "desc" ) ]`: double-quoted, so any case.
    const word = /^(asc|desc)(?![\w])/i.exec(rest)?.[1];
    if (word) {
      direction = word.toLowerCase() as 'asc' | 'desc';
      parser.position += word.length;
      parser.skipSpace();
    }
    items.push({ expr, direction });
    const ch = text[parser.position];
    if (ch === undefined) return items;
    if (ch !== ',') parser.fail(`expected ',' or the end at position ${parser.position + 1}`);
    parser.position += 1;
  }
}
