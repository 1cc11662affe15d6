/**
 * Hostile and random input. Whatever arrives, parsing ends quickly with either a value or an ODataError whose status
 * is a 4xx or 501: never a RangeError from deep recursion, never a TypeError, never a 500. Inputs are bounded so the
 * whole file runs in well under a second; there are no timing assertions.
 */
import { createPrng } from '../../helpers/prng';
import { ODataError, type ErrorCode } from '../../../src/odata/errors';
import { DEFAULT_PARSE_LIMITS, parseFilter, parseOrderBy, parseQueryOptions, parseResourcePath } from '../../../src/odata/parse';
import { expectODataError } from './expect-odata-error';

const GENEROUS = { ...DEFAULT_PARSE_LIMITS, maxFilterLength: 200_000 };

/** What a parser call did: a value, an acceptable ODataError, or a description of anything else. */
function violationOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    if (error instanceof ODataError && ((error.status >= 400 && error.status < 500) || error.status === 501)) return undefined;
    return error instanceof ODataError ? `ODataError ${error.code} with status ${error.status}` : `${(error as Error).name}: ${(error as Error).message}`;
  }
}

function expectOnlyODataErrors(inputs: readonly string[], parse: (input: string) => unknown): void {
  const violations = inputs.flatMap((input) => {
    const violation = violationOf(() => parse(input));
    return violation ? [`${JSON.stringify(input)} → ${violation}`] : [];
  });
  expect(violations).toEqual([]);
}

describe('deep and long input', () => {
  const cases: Array<[string, () => unknown, ErrorCode, string]> = [
    ['5,000 nested parentheses', () => parseFilter(`${'('.repeat(5000)}true${')'.repeat(5000)}`), 'FilterTooDeep', 'The $filter expression nests 5000 levels deep; the limit is 50. Flatten the expression.'],
    ['5,000 unclosed parentheses', () => parseFilter(`${'('.repeat(5000)}true`), 'FilterTooDeep', 'nests 5000 levels deep'],
    ['5,000 nested parentheses, long-input limit raised', () => parseFilter(`${'('.repeat(5000)}true${')'.repeat(5000)}`, GENEROUS), 'FilterTooDeep', 'nests 5000 levels deep'],
    ['5,000 nested function calls', () => parseFilter(`${'tolower('.repeat(5000)}Title${')'.repeat(5000)}`, GENEROUS), 'FilterTooDeep', 'nests 5000 levels deep'],
    ['5,000 not(…) calls', () => parseFilter(`${'not('.repeat(5000)}true${')'.repeat(5000)}`, GENEROUS), 'FilterTooDeep', 'nests 5000 levels deep'],
    // Without parentheses the nesting is only seen while parsing: the recursion budget stops it.
    ['5,000 × "not " (within the length limit only when raised)', () => parseFilter(`${'not '.repeat(5000)}true`, GENEROUS), 'FilterTooDeep', 'nests more than 50 levels deep; the limit is 50'],
    ['5,000 × "not " under the default length limit', () => parseFilter(`${'not '.repeat(5000)}true`), 'FilterTooLong', 'is 20004 characters long; the limit is 4000'],
    ['999 × "not " (just within 4,000 characters)', () => parseFilter(`${'not '.repeat(999)}true`), 'FilterTooDeep', 'the limit is 50'],
    ['5,000 × "-" then a number', () => parseFilter(`${'-'.repeat(5000)}1 eq 1`, GENEROUS), 'FilterTooDeep', 'the limit is 50'],
    ['5,000 × "- " then a property', () => parseFilter(`${'- '.repeat(5000)}Price eq 1`, GENEROUS), 'FilterTooDeep', 'the limit is 50'],
    ['5,000 × "-" under the default length limit', () => parseFilter(`${'-'.repeat(5000)}1 eq 1`), 'FilterTooLong', 'the limit is 4000'],
    ['a 100 kB filter', () => parseFilter(Array.from({ length: 10000 }, (_, i) => `Id eq ${i}`).join(' or ')), 'FilterTooLong', 'is 138886 characters long; the limit is 4000. Split the query or simplify the expression.'],
    ['5,000 nested parentheses in $orderby', () => parseOrderBy(`${'('.repeat(5000)}Title${')'.repeat(5000)}`), 'FilterTooDeep', 'nests 5000 levels deep'],
    ['5,000 nested parentheses through the query string', () => parseQueryOptions(`$filter=${'%28'.repeat(5000)}true${'%29'.repeat(5000)}`), 'FilterTooDeep', 'nests 5000 levels deep'],
    // The $search evaluator (src/odata/evaluate/parse-search.ts) recurses per parenthesis: its nesting is bounded here.
    ['3,999 unclosed parentheses in $search (a stack overflow in the evaluator before the bound)', () => parseQueryOptions(`$search=${'('.repeat(3999)}x`), 'InvalidQueryOption', '$search is not valid: it nests parentheses 3999 levels deep; the limit is 50'],
    ['a 5,000-deep key predicate', () => parseResourcePath(`Items${'('.repeat(5000)}1${')'.repeat(5000)}`), 'InvalidKey', 'is not a key value'],
    ['10,000 path segments', () => parseResourcePath(`Items(1)${'/Nav'.repeat(10000)}`), 'InvalidUrl', "unexpected 'Nav/Nav/Nav"],
  ];
  it.each(cases)('%s', (_label, run, code, fragment) => {
    expectODataError(run, code, fragment);
  });

  it('counts parentheses inside string literals as text, not nesting', () => {
    const expr = parseFilter(`Title eq '${'('.repeat(200)}'`);
    expect(expr).toMatchObject({ kind: 'compare', right: { value: '('.repeat(200) } });
  });

  it('accepts the nesting limit itself, and one more is too deep', () => {
    expect(parseFilter(`${'('.repeat(50)}true${')'.repeat(50)}`)).toEqual({ kind: 'literal', type: 'Edm.Boolean', value: true });
    expectODataError(() => parseFilter(`${'('.repeat(51)}true${')'.repeat(51)}`), 'FilterTooDeep', 'nests 51 levels deep; the limit is 50');
  });

  it('parses long flat input within the limits without recursion trouble', () => {
    const ors = Array.from({ length: 300 }, (_, i) => `Id eq ${i}`).join(' or ');
    expect(ors.length).toBeLessThanOrEqual(DEFAULT_PARSE_LIMITS.maxFilterLength);
    expect(parseFilter(ors).kind).toBe('or');
    const list = `Id in (${Array.from({ length: 900 }, (_, i) => i).join(',')})`;
    expect(parseFilter(list)).toMatchObject({ kind: 'in', list: { length: 900 } });
    const sums = `${Array.from({ length: 600 }, () => '1').join(' add ')} eq 600`;
    expect(parseFilter(sums).kind).toBe('compare');
    expect(parseFilter(`Title eq '${'x'.repeat(3980)}'`)).toMatchObject({ right: { value: 'x'.repeat(3980) } });
  });
});

describe('seeded fuzz: every outcome is a value or a 4xx/501 ODataError', () => {
  const random = createPrng(20240131);
  const randomChar = (): string => {
    const roll = random.next();
    if (roll < 0.7) return String.fromCharCode(32 + random.int(95)); // printable ASCII
    if (roll < 0.8) return String.fromCharCode(random.int(32)); // control characters, NUL
    if (roll < 0.9) return random.pick(['é', 'ß', '日', '😀', '\u00a0', '\u2028', '\ufeff']);
    return String.fromCharCode(0xd800 + random.int(0x800)); // lone surrogates
  };
  const randomBytes = (max: number): string => Array.from({ length: random.int(max) }, randomChar).join('');

  /** Tokens of the $filter grammar (valid and nearly valid), and of features we answer with 501. */
  const FILTER_TOKENS = [
    'Id', 'Title', 'State', 'CreatedOn', 'Price', 'not', 'NOT', 'eq', 'EQ', 'ne', 'gt', 'ge', 'lt', 'le', 'and', 'AND', 'or', 'Or',
    'add', 'sub', 'mul', 'div', 'divby', 'mod', 'in', 'IN', 'has', ' ', ' ', ' ', '  ', '\t', '(', '(', ')', ')', ',', '-', '--', '+',
    "'", "''", "'x'", "'it''s'", "'😀'", '""', '1', '-1', '0', '2147483648', '-2147483648', '9223372036854775808', '3.14', '1e5', '1E-5',
    '1e400', 'INF', '-INF', 'NaN', 'true', 'FALSE', 'null', 'NULL', '2024-01-31', '2024-02-30', '2024-01-31T12:00:00Z', 'T12:00',
    '+02:00', '12:30:00', '24:00', '01234567-89ab-cdef-0123-456789abcdef', "duration'P1D'", "duration'P'", 'duration', "'PT1H'",
    'contains(', 'startswith(', 'tolower(', 'substring(', 'now()', 'NOW(', 'concat(', 'round(', 'year(', 'matchesPattern(', 'cast(',
    'geo.distance(', 'foo(', 'Ns.fn(', '/', 'any(', 'all(', 'r:', ':', '$it', '$root/', '$count', '@a', '[', ']', '{', '}', '.', '%',
    '%27', 'Sales.Pattern', "binary'AA=='", ';', '=', '&', '#',
  ];
  const VALID_FILTERS = [
    "Title eq 'x' and Id gt 5",
    "contains(tolower(Title),'fix') or not Draft",
    "State in ('OPEN','MERGED') and CreatedOn ge 2024-01-01T00:00:00Z",
    'Price add 2 mul 3 le 10.5 or -Price lt -1e3',
    "(year(CreatedOn) eq 2024) and (substring(Title,1,2) ne 'ab')",
    "Id in (1,2,3) and Guid eq 01234567-89ab-cdef-0123-456789abcdef and D eq duration'PT1H'",
  ];

  const filterInputs: string[] = [];
  for (let n = 0; n < 3000; n++) {
    const parts = Array.from({ length: 1 + random.int(30) }, () => random.pick(FILTER_TOKENS));
    filterInputs.push(n % 3 === 0 ? parts.join(' ') : parts.join(''));
  }
  for (let n = 0; n < 1500; n++) {
    // Mutations of valid filters: delete, insert a token or a random character, duplicate, or cut.
    let text = random.pick(VALID_FILTERS);
    for (let edits = 1 + random.int(3); edits > 0; edits--) {
      const at = random.int(text.length + 1);
      const op = random.int(5);
      if (op === 0) text = text.slice(0, at) + text.slice(at + 1 + random.int(4));
      else if (op === 1) text = text.slice(0, at) + random.pick(FILTER_TOKENS) + text.slice(at);
      else if (op === 2) text = text.slice(0, at) + randomChar() + text.slice(at);
      else if (op === 3) text = text.slice(0, at) + text.slice(Math.max(0, at - 10), at) + text.slice(at);
      else text = text.slice(0, at);
    }
    filterInputs.push(text);
  }
  for (let n = 0; n < 1000; n++) filterInputs.push(randomBytes(60));

  it(`parseFilter on ${filterInputs.length} generated inputs`, () => {
    expectOnlyODataErrors(filterInputs, (input) => parseFilter(input));
  });

  it('parseOrderBy on the same inputs', () => {
    expectOnlyODataErrors(filterInputs, (input) => parseOrderBy(input));
  });

  it('some generated filters parse: the fuzz reaches past the first token', () => {
    const parses = (input: string): boolean => {
      try {
        parseFilter(input);
        return true;
      } catch {
        return false;
      }
    };
    expect(filterInputs.filter(parses).length).toBeGreaterThan(100);
  });

  const QUERY_TOKENS = [
    '$top', '$skip', '$filter', '$orderby', '$select', '$count', '$search', '$format', '$skiptoken', '$expand', '$apply', '$x', '$',
    '%24top', 'top', 'custom', '@a', '=', '=', '=', '&', '&', '&', '?', '%', '%2', '%27', '%28', '%29', '%zz', '%C3%A9', '%C3', '%F0%9F%98%80',
    '+', 'Id', ' eq ', '1', '-1', '00', '99999999999999999999', "'", "'x'", 'true', 'TRUE', ',', '(', ')', '*', 'desc', 'ASC', '/', '#',
    '@', '"', 'NOT', 'AND', ' ', '%20',
  ];
  const queryInputs: string[] = [];
  for (let n = 0; n < 3000; n++) queryInputs.push(Array.from({ length: 1 + random.int(16) }, () => random.pick(QUERY_TOKENS)).join(''));
  for (let n = 0; n < 500; n++) queryInputs.push(`$filter=${randomBytes(40)}&$orderby=${randomBytes(20)}&$search=${randomBytes(20)}`);

  it(`parseQueryOptions on ${queryInputs.length} generated query strings`, () => {
    expectOnlyODataErrors(queryInputs, (input) => parseQueryOptions(input));
  });

  const PATH_TOKENS = [
    'Items', 'Me', 'Repositories', '(', ')', "'", "''", "'a'", '=', ',', '/', '/', '$count', '$value', '$ref', '$metadata', '$batch',
    '$entity', '1', '-1', '1.5', 'Id', 'Ns.Act', 'Bitbucket.Merge', '%', '%27', '%28', '%29', '%2F', '%zz', '%C3', '@', ' ', ';', '.',
    '2024-01-01', '12:00', "duration'P1D'", 'null', 'true',
  ];
  const pathInputs: string[] = [];
  for (let n = 0; n < 3000; n++) pathInputs.push(Array.from({ length: 1 + random.int(14) }, () => random.pick(PATH_TOKENS)).join(''));
  for (let n = 0; n < 500; n++) pathInputs.push(`Items(${randomBytes(30)})/${randomBytes(10)}`);

  it(`parseResourcePath on ${pathInputs.length} generated paths`, () => {
    expectOnlyODataErrors(pathInputs, (input) => parseResourcePath(input, new Set(['Me'])));
  });
});
