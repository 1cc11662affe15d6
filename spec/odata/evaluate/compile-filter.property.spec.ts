/**
 * Property check: the compiled evaluator agrees with a naive tree-walking interpreter, written separately from the
 * spec text, on a few thousand well-typed random expressions (seeded PRNG, so failures reproduce) over every fixture
 * row — values, nulls, and which expressions fail the request.
 */
import type { ArithmeticOperator, ComparisonOperator, Expr, FunctionName, LiteralValue, Row } from '../../../src/odata/ast';
import { compileExpression, compileFilter } from '../../../src/odata/evaluate';
import { ODataError } from '../../../src/odata/errors';
import { NOW, NULL, and, arith, bool, call, date, dbl, dto, int, isIn, items, neg, not, or, prop, rows, str } from './fixtures';

// ---------------- the naive interpreter ----------------

type T = 'int' | 'double' | 'string' | 'bool' | 'dto' | 'date' | 'null';
interface V {
  t: T;
  v: LiteralValue;
}

const TYPE_OF_PROPERTY: Record<string, T> = {
  Id: 'int',
  Big: 'int',
  Score: 'double',
  Title: 'string',
  State: 'string',
  IsOpen: 'bool',
  CreatedOn: 'dto',
  DueDate: 'date',
};
const LITERAL_TYPES: Record<string, T> = {
  'Edm.Int32': 'int',
  'Edm.Int64': 'int',
  'Edm.Double': 'double',
  'Edm.String': 'string',
  'Edm.Boolean': 'bool',
  'Edm.DateTimeOffset': 'dto',
  'Edm.Date': 'date',
  null: 'null',
};

class Failure extends Error {}

const codePoints = (s: string) => Array.from(s, (c) => c.codePointAt(0) as number);
function naiveStringCompare(a: string, b: string): number {
  const x = codePoints(a);
  const y = codePoints(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}
/** Picoseconds since the epoch: Date.parse on the whole seconds, plus the fraction digits. */
function naiveInstant(value: V): bigint {
  const text = value.v as string;
  if (value.t === 'date') return BigInt(Date.parse(`${text}T00:00:00Z`)) * 1_000_000_000n;
  const fraction = /\.(\d+)/.exec(text)?.[1] ?? '';
  return BigInt(Date.parse(text.replace(/\.\d+/, ''))) * 1_000_000_000n + BigInt(fraction.padEnd(12, '0') || '0');
}
function naiveOrder(a: V, b: V): number {
  if (a.t === 'string') return naiveStringCompare(a.v as string, b.v as string);
  if (a.t === 'dto' || b.t === 'dto' || a.t === 'date') {
    const x = naiveInstant(a);
    const y = naiveInstant(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = a.v as number;
  const y = b.v as number;
  return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
}
function naiveEquals(a: V, b: V): boolean {
  if (a.v === null || b.v === null) return a.v === b.v;
  if (a.t === 'bool') return a.v === b.v;
  return naiveOrder(a, b) === 0;
}

function naive(expr: Expr, row: Row): V {
  switch (expr.kind) {
    case 'literal':
      return { t: LITERAL_TYPES[expr.type], v: expr.value };
    case 'property':
      return { t: TYPE_OF_PROPERTY[expr.name], v: row[expr.name] ?? null };
    case 'path':
      throw new Error('paths are not generated: they never evaluate');
    case 'compare': {
      const a = naive(expr.left, row);
      if (expr.op === 'eq' || expr.op === 'ne') {
        const equal = naiveEquals(a, naive(expr.right, row));
        return { t: 'bool', v: expr.op === 'eq' ? equal : !equal };
      }
      // Part 2 ge/le: two nulls are equal, so ge and le hold; one null makes every ordering comparison false.
      const orEqual = expr.op === 'ge' || expr.op === 'le';
      if (a.v === null && !orEqual) return { t: 'bool', v: false };
      const b = naive(expr.right, row);
      if (a.v === null || b.v === null) return { t: 'bool', v: a.v === b.v && orEqual };
      const c = a.t === 'bool' ? Number(a.v) - Number(b.v) : naiveOrder(a, b);
      const result = { gt: c > 0, ge: c >= 0, lt: c < 0, le: c <= 0 }[expr.op];
      return { t: 'bool', v: result };
    }
    case 'and': {
      const a = naive(expr.left, row).v;
      if (a === false) return { t: 'bool', v: false };
      const b = naive(expr.right, row).v;
      if (b === false) return { t: 'bool', v: false };
      return { t: 'bool', v: a === true && b === true ? true : null };
    }
    case 'or': {
      const a = naive(expr.left, row).v;
      if (a === true) return { t: 'bool', v: true };
      const b = naive(expr.right, row).v;
      if (b === true) return { t: 'bool', v: true };
      return { t: 'bool', v: a === false && b === false ? false : null };
    }
    case 'not': {
      const a = naive(expr.operand, row).v;
      return { t: 'bool', v: a === null ? null : !a };
    }
    case 'negate': {
      const a = naive(expr.operand, row);
      return { t: a.t, v: a.v === null ? null : -(a.v as number) };
    }
    case 'arith': {
      const a = naive(expr.left, row);
      const b = a.v === null ? undefined : naive(expr.right, row);
      const t: T = a.t === 'double' || b?.t === 'double' ? 'double' : a.t === 'null' && b?.t === 'null' ? 'null' : 'int';
      if (a.v === null || b === undefined || b.v === null) return { t, v: null };
      const x = a.v as number;
      const y = b.v as number;
      switch (expr.op) {
        case 'add':
          return { t, v: x + y };
        case 'sub':
          return { t, v: x - y };
        case 'mul':
          return { t, v: x * y };
        case 'div':
          if (t === 'double') return { t, v: x / y };
          if (y === 0) throw new Failure();
          return { t, v: Math.trunc(x / y) };
        case 'mod':
          if (y === 0) throw new Failure();
          return { t, v: x % y };
        default:
          throw new Error(`not generated: ${expr.op}`);
      }
    }
    case 'in': {
      const a = naive(expr.operand, row);
      return { t: 'bool', v: expr.list.some((item) => naiveEquals(a, naive(item, row))) };
    }
    case 'call': {
      const args: V[] = [];
      for (const argument of expr.args) {
        const value = naive(argument, row);
        if (value.v === null) return { t: 'null', v: null };
        args.push(value);
      }
      const s = args[0]?.v as string;
      const n = (i: number) => args[i].v as number;
      switch (expr.name) {
        case 'length':
          return { t: 'int', v: Array.from(s).length };
        case 'indexof': {
          const hay = Array.from(s);
          const needle = Array.from(args[1].v as string);
          for (let i = 0; i + needle.length <= hay.length; i++) {
            if (needle.every((c, j) => hay[i + j] === c)) return { t: 'int', v: i };
          }
          return { t: 'int', v: -1 };
        }
        case 'substring': {
          if (args.length === 3 && n(2) < 0) throw new Failure();
          const chars = Array.from(s);
          const start = n(1) < 0 ? Math.max(0, chars.length + n(1)) : n(1);
          return { t: 'string', v: chars.slice(start, args.length === 3 ? start + n(2) : undefined).join('') };
        }
        case 'contains':
          return { t: 'bool', v: s.includes(args[1].v as string) };
        case 'startswith':
          return { t: 'bool', v: s.startsWith(args[1].v as string) };
        case 'endswith':
          return { t: 'bool', v: s.endsWith(args[1].v as string) };
        case 'tolower':
          return { t: 'string', v: s.toLowerCase() };
        case 'toupper':
          return { t: 'string', v: s.toUpperCase() };
        case 'trim':
          return { t: 'string', v: s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '') };
        case 'concat':
          return { t: 'string', v: s + (args[1].v as string) };
        case 'year':
          return { t: 'int', v: Number(s.slice(0, 4)) };
        case 'month':
          return { t: 'int', v: Number(s.slice(5, 7)) };
        case 'day':
          return { t: 'int', v: Number(s.slice(8, 10)) };
        case 'hour':
          return { t: 'int', v: Number(s.slice(11, 13)) };
        case 'date':
          return { t: 'date', v: s.slice(0, 10) };
        case 'round': {
          // Half away from zero, without adding 0.5 (which is inexact near 2^53).
          const whole = Math.floor(Math.abs(n(0)));
          return { t: 'double', v: Math.sign(n(0)) * (Math.abs(n(0)) - whole >= 0.5 ? whole + 1 : whole) };
        }
        case 'floor':
          return { t: 'double', v: Math.floor(n(0)) };
        case 'ceiling':
          return { t: 'double', v: Math.ceil(n(0)) };
        default:
          throw new Error(`not generated: ${expr.name}`);
      }
    }
  }
}

// ---------------- the generator ----------------

function prng(seed: number): () => number {
  // mulberry32
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Gen = 'bool' | 'int' | 'double' | 'string' | 'dto' | 'date';

function generator(random: () => number) {
  const pick = <X>(options: readonly X[]): X => options[Math.floor(random() * options.length)];
  // Includes pairs where code-point and UTF-16 order disagree ('😀' vs 'ｚ', 'a😀' vs 'a\uFFFD').
  const strings = ['abc', 'ABC', '', 'a', 'bc', '😀', 'ｚ', 'a😀', 'a\uFFFD', 'OPEN', 'open', ' ', "O'Neil", 'ä'];
  const instants = ['2024-05-18T09:29:47.123456Z', '2024-05-18T11:29:47.123456+02:00', '2024-05-18T09:29:47.1234565Z', '2023-01-01T00:00:00Z', '2024-05-18T00:59:59.999999Z'];
  const dates = ['2024-05-18', '2024-05-17', '2023-12-31'];

  function gen(type: Gen, depth: number): Expr {
    const leaf = depth <= 0 || random() < 0.3;
    if (random() < 0.06) return NULL;
    switch (type) {
      case 'int':
        if (leaf) return pick([prop('Id'), prop('Big'), int(Math.floor(random() * 16) - 3)]);
        return pick([
          () => arith(pick(['add', 'sub', 'mul', 'div', 'mod'] as ArithmeticOperator[]), gen('int', depth - 1), gen('int', depth - 1)),
          () => neg(gen('int', depth - 1)),
          () => call('length', gen('string', depth - 1)),
          () => call('indexof', gen('string', depth - 1), gen('string', depth - 1)),
          () => call(pick(['year', 'month', 'day', 'hour'] as FunctionName[]), gen('dto', depth - 1)),
        ])();
      case 'double':
        if (leaf) return pick([prop('Score'), dbl(pick([0, 0.5, -2.5, 1.5, 100]))]);
        return pick([
          () => arith(pick(['add', 'sub', 'mul', 'div'] as ArithmeticOperator[]), gen('double', depth - 1), gen(pick(['int', 'double'] as Gen[]), depth - 1)),
          () => call(pick(['round', 'floor', 'ceiling'] as FunctionName[]), gen('double', depth - 1)),
        ])();
      case 'string':
        if (leaf) return pick([prop('Title'), prop('State'), str(pick(strings))]);
        return pick([
          () => call(pick(['tolower', 'toupper', 'trim'] as FunctionName[]), gen('string', depth - 1)),
          () => call('concat', gen('string', depth - 1), gen('string', depth - 1)),
          () => call('substring', gen('string', depth - 1), gen('int', depth - 1)),
          () => call('substring', gen('string', depth - 1), gen('int', depth - 1), gen('int', depth - 1)),
        ])();
      case 'dto':
        return pick([prop('CreatedOn'), dto(pick(instants))]);
      case 'date':
        if (leaf) return pick([prop('DueDate'), date(pick(dates))]);
        return call('date', gen('dto', depth - 1));
      case 'bool': {
        if (leaf) return pick([prop('IsOpen'), bool(true), bool(false)]);
        // String comparisons weigh more: that is where code-point and UTF-16 order can disagree.
        const comparable: Array<[Gen, Gen]> = [
          ['int', 'int'], ['int', 'double'], ['double', 'double'], ['string', 'string'], ['string', 'string'],
          ['string', 'string'], ['string', 'string'], ['bool', 'bool'], ['dto', 'dto'], ['dto', 'date'],
          ['date', 'dto'], ['date', 'date'],
        ];
        return pick([
          () => {
            const [l, r] = pick(comparable);
            const op = pick(['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as ComparisonOperator[]);
            return { kind: 'compare', op, left: gen(l, depth - 1), right: gen(r, depth - 1) } as Expr;
          },
          () => and(gen('bool', depth - 1), gen('bool', depth - 1)),
          () => or(gen('bool', depth - 1), gen('bool', depth - 1)),
          () => not(gen('bool', depth - 1)),
          () => {
            const t = pick(['int', 'string', 'dto'] as Gen[]);
            const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => gen(t, depth - 2));
            return isIn(gen(t, depth - 1), ...items);
          },
          () => call(pick(['contains', 'startswith', 'endswith'] as FunctionName[]), gen('string', depth - 1), gen('string', depth - 1)),
        ])();
      }
    }
  }
  return gen;
}

// ---------------- the check ----------------

type Outcome = { value: LiteralValue } | { fails: true };

function outcome(run: () => LiteralValue): Outcome {
  try {
    return { value: run() };
  } catch (error) {
    if (error instanceof Failure || (error instanceof ODataError && error.code === 'InvalidFilter')) {
      return { fails: true };
    }
    throw error;
  }
}

describe('compiled evaluation agrees with a naive interpreter', () => {
  const gen = generator(prng(20240518));
  const types: Gen[] = ['bool', 'bool', 'bool', 'int', 'double', 'string', 'date'];

  it('on 3000 random expressions over every row', () => {
    let checked = 0;
    for (let i = 0; i < 3000; i++) {
      const type = types[i % types.length];
      const expr = gen(type, 4);
      const compiled = compileExpression(expr, items, { now: NOW });
      const predicate = type === 'bool' ? compileFilter(expr, items, { now: NOW }) : undefined;
      for (const row of rows) {
        const expected = outcome(() => naive(expr, row).v);
        const actual = outcome(() => compiled(row));
        if (JSON.stringify(actual) !== JSON.stringify(expected) && !bothNaN(actual, expected)) {
          throw new Error(`Mismatch for ${JSON.stringify(expr)} on row ${row.Id}: ` +
            `compiled ${JSON.stringify(actual)}, naive ${JSON.stringify(expected)}`);
        }
        if (predicate && 'value' in expected) expect(predicate(row)).toBe(expected.value === true);
        checked++;
      }
    }
    expect(checked).toBe(3000 * rows.length);
  });
});

describe('string comparison agrees with the naive code-point order', () => {
  it('on 2000 random pairs over an alphabet mixing ASCII, U+E000..U+FFFF and astral characters', () => {
    const random = prng(42);
    const alphabet = ['a', 'A', 'ｚ', '\uFFFD', '\uE000', '😀', '𐀀', 'é'];
    const word = () => Array.from({ length: Math.floor(random() * 4) }, () => alphabet[Math.floor(random() * 8)]).join('');
    const ops: ComparisonOperator[] = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'];
    for (let i = 0; i < 2000; i++) {
      const [left, right, op] = [word(), word(), ops[i % ops.length]];
      const expr: Expr = { kind: 'compare', op, left: prop('Title'), right: str(right) };
      const row = { ...rows[0], Title: left };
      expect([left, op, right, compileFilter(expr, items)(row)]).toEqual([left, op, right, naive(expr, row).v]);
    }
  });
});

function bothNaN(a: Outcome, b: Outcome): boolean {
  return 'value' in a && 'value' in b && Number.isNaN(a.value) && Number.isNaN(b.value);
}
