/**
 * OASIS OData ABNF test cases (reference/odata-abnf-testcases.yaml, 4.01) run against our URL parser.
 * Only the rules we implement are in scope. For each in-scope case:
 * - "not applicable": the input uses a feature we deliberately do not offer (table NOT_APPLICABLE, with the reason);
 *   these are data, not skipped tests, and the counts are printed;
 * - "divergence": a known, documented difference from the ABNF (table DIVERGENCES), also printed;
 * - otherwise a positive case must parse and a negative case (FailAt) must be rejected with an ODataError.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ODataError } from '../../../src/odata/errors';
import { parseFilter, parseQueryOptions, parseResourcePath } from '../../../src/odata/parse';

interface TestCase {
  Name: string;
  Rule: string;
  Input: string;
  FailAt?: number;
}

const CASES_FILE = '/work/shared/reference/odata-abnf-testcases.yaml';

type Runner = (input: string) => unknown;

function decoded(input: string): string {
  try {
    return decodeURIComponent(input);
  } catch {
    throw new ODataError('InvalidUrl', { reason: 'malformed percent-encoding' });
  }
}

/** A primitive-literal rule: the literal must parse in `X eq <literal>` and come back with the expected type. */
function literalOf(...types: string[]): Runner {
  return (input) => {
    const expr = parseFilter(`X eq ${decoded(input)}`);
    const type = expr.kind === 'compare' && expr.right.kind === 'literal' ? expr.right.type : undefined;
    if (!type || (types.length > 0 && !types.includes(type))) throw new ODataError('InvalidFilter', { reason: `typed ${String(type)}` });
    return expr;
  };
}

/** Rules for one query option: the input must be exactly one option (the rule has no `&`). */
const singleOption: Runner = (input) => {
  if (input.includes('&')) throw new ODataError('InvalidUrl', { reason: "the rule is one option; '&' ends it" });
  return parseQueryOptions(input);
};

const relativeUri: Runner = (input) => {
  const at = input.indexOf('?');
  const path = at < 0 ? input : input.slice(0, at);
  parseResourcePath(path, new Set(['SingletonEntity', 'MainSupplier', 'BestProductEverCreated']));
  return at < 0 ? undefined : parseQueryOptions(input.slice(at + 1));
};

/** The rules we implement and how each one's input reaches our API. */
const RUNNERS: Readonly<Record<string, Runner>> = {
  filter: singleOption,
  boolCommonExpr: (input) => parseFilter(decoded(input)),
  boolcommonExpr: (input) => parseFilter(decoded(input)),
  commonExpr: (input) => parseFilter(decoded(input)),
  notExpr: (input) => parseFilter(decoded(input)),
  firstMemberExpr: (input) => parseFilter(decoded(input)),
  propertyPathExpr: (input) => parseFilter(decoded(input)),
  orderby: singleOption,
  orderBy: singleOption,
  select: singleOption,
  skiptoken: singleOption,
  search: singleOption,
  searchExpr: (input) => parseQueryOptions(`$search=${input}`),
  queryOptions: (input) => parseQueryOptions(input),
  systemQueryOption: singleOption,
  customQueryOption: singleOption,
  resourcePath: (input) => parseResourcePath(input),
  odataRelativeUri: relativeUri,
  stringLiteral: literalOf('Edm.String'),
  primitiveLiteral: literalOf(),
  boolean: literalOf('Edm.Boolean'),
  null: literalOf('null'),
  guid: literalOf('Edm.Guid'),
  date: literalOf('Edm.Date'),
  dateTimeOffsetLiteral: literalOf('Edm.DateTimeOffset'),
  dateTimeOffsetValueInUrl: literalOf('Edm.DateTimeOffset'),
  durationLiteral: literalOf('Edm.Duration', 'Edm.String'),
  decimalLiteral: literalOf('Edm.Decimal'),
  doubleLiteral: literalOf('Edm.Double'),
  int32Literal: literalOf('Edm.Int32'),
  int64Literal: literalOf('Edm.Int64'),
};

const FILTER_RULES = new Set(['filter', 'boolCommonExpr', 'boolcommonExpr', 'commonExpr', 'notExpr', 'firstMemberExpr', 'propertyPathExpr', 'orderby', 'orderBy', 'select', 'queryOptions']);
const PATH_RULES = new Set(['resourcePath', 'odataRelativeUri']);

interface NotApplicable {
  reason: string;
  /** Which rules the pattern is checked for; all in-scope rules when absent. */
  rules?: ReadonlySet<string>;
  pattern: RegExp;
}

/** Features we do not offer, in the order they are checked; the first match names the reason. */
const NOT_APPLICABLE: readonly NotApplicable[] = [
  { reason: '$expand (501: query the related set by key)', pattern: /(^|[?&(;])\$?expand=/i },
  { reason: '$compute / $apply (501)', pattern: /(^|[?&(;])\$?(compute|apply)=/i },
  { reason: '$index / $schemaversion (501)', pattern: /(^|[?&])\$?(index|schemaversion)=/i },
  { reason: '4.01 system options without $ (we require $ so custom options pass through)', rules: new Set(['filter', 'orderby', 'select', 'queryOptions', 'search', 'systemQueryOption', 'odataRelativeUri']), pattern: /(^|[?&])(filter|orderby|select|top|skip|count|search|format|id)=/i },
  { reason: 'parameter aliases and instance annotations (@…)', pattern: /(^|[=(,&\s/:[])@/ },
  { reason: 'lambda operators any/all', pattern: /\b(any|all)\(/ },
  { reason: '$it / $this / $root', pattern: /\$(it|this|root)\b/ },
  { reason: 'geo types and functions', pattern: /geo\.|geography'|geometry'/ },
  { reason: 'enumeration types (has, Namespace.Enum\'…\')', pattern: /\bhas\b|[A-Za-z]\.[A-Za-z]+'/ },
  { reason: 'type casts (cast, isof, derived-type segments)', pattern: /\b(cast|isof)\(|\/Model\.[A-Z]|\/AddressWithLocation|\/BestSellingProduct|^Model\.(Preferred|Address)|\$select=(Namespace|Model)\./ },
  { reason: 'JSON arrays and objects in expressions', rules: FILTER_RULES, pattern: /[[{]/ },
  { reason: 'functions this service does not evaluate', pattern: /\b(matchesPattern|maxdatetime|mindatetime|totaloffsetminutes|totalseconds|hassubset|hassubsequence)\b/ },
  { reason: 'custom (model-defined) functions and actions', pattern: /\b(Model|Special)\.[A-Za-z]+(\(|\/|$)|\/[A-Z][A-Za-z]*\(\)|\b[A-Z][A-Za-z]*\(\)|ProductsBy[A-Za-z]+|MostPopular[A-Za-z]*\(|^Activation$|^TheBestProduct$/ },
  { reason: 'navigation/complex property paths in expressions (entities are flat)', rules: FILTER_RULES, pattern: /[A-Za-z_)]\/[A-Za-z_$]|^[A-Z]\w*\(\d+\)$/ },
  { reason: 'ordering by an expression', rules: new Set(['orderby']), pattern: /=\S+ (ge|gt|eq) / },
  { reason: 'collection-valued right operand of in', pattern: /\bin \((FirstName|[A-Za-z]+)\)$/ },
  { reason: 'empty in-list (we answer 400: an empty list can never match)', pattern: /\bin \(\)/ },
  { reason: 'key-as-segment URLs (4.01 §4.3.6)', rules: PATH_RULES, pattern: /^(Customers|Employees|People|Categories|OrderItems|Orders)\/[^$(]|^(Suppliers\(1\)\/EmailAddresses|MainSupplier\/Addresses)\/-?\d/ },
  { reason: 'ordered-collection members, $ref, $each, $query, $filter(…) and $value on entities', rules: PATH_RULES, pattern: /\/\$(ref|each|query|filter\(|value$)|\/\$value\?|\/-?\d+$/ },
  { reason: '$entity, $all, $crossjoin resources', rules: PATH_RULES, pattern: /^\$(entity|all|crossjoin)/ },
  { reason: 'collection-valued and complex properties (entities are flat)', rules: PATH_RULES, pattern: /\/(Address|Addresses|EmailAddresses|Sizes|Thumbnail)\// },
  { reason: 'key property aliases and function parameters in keys', rules: PATH_RULES, pattern: /\((KeyAlias|categoryId)=/ },
  { reason: 'years outside 0000-9999 and leap seconds', pattern: /^-\d{5}|:60Z/ },
  { reason: '$search syntax is checked by the evaluator (src/odata/evaluate/parse-search.ts), not the URL parser', rules: new Set(['search', 'queryOptions']), pattern: /\$search=/ },
  { reason: '$search syntax is checked by the evaluator (src/odata/evaluate/parse-search.ts), not the URL parser', rules: new Set(['searchExpr']), pattern: /[^]/ },
  { reason: 'context URL fragments (#…) never reach the server', rules: PATH_RULES, pattern: /#/ },
  { reason: 'duplicate options are rejected by design ($format given four times)', pattern: /\$format=json&\$Format/i },
  { reason: 'upper-case operators (4.01; we follow 4.0 lower-case keywords)', pattern: / (EQ|Eq|AND|OR|LT|Lt) / },
];

/** Known differences from the ABNF that we keep on purpose; each names why. */
const DIVERGENCES: Readonly<Record<string, string>> = {
  "Categories('Tablet/Slate')": "lenient: an unencoded '/' inside a quoted key stays in the key (clients that forget %2F still work)",
  "Categories('Smartphone/Tablet')": "lenient: an unencoded '/' inside a quoted key stays in the key (clients that forget %2F still work)",
  '$filter =true': "lenient: whitespace around an option's name and value is trimmed",
  '$filter= true': "lenient: whitespace around an option's name and value is trimmed",
};

type Outcome = 'parsed' | 'rejected' | 'not-applicable' | 'divergence' | 'FAILED';

function classify(testCase: TestCase): { outcome: Outcome; detail: string } {
  const input = String(testCase.Input);
  const run = RUNNERS[testCase.Rule];
  if (!run) return { outcome: 'not-applicable', detail: 'rule not implemented' };
  const notApplicable = NOT_APPLICABLE.find((entry) => (!entry.rules || entry.rules.has(testCase.Rule)) && entry.pattern.test(input));
  if (notApplicable) return { outcome: 'not-applicable', detail: notApplicable.reason };
  const negative = testCase.FailAt !== undefined;
  let error: unknown;
  try {
    run(input);
  } catch (thrown) {
    error = thrown;
  }
  if (error !== undefined && !(error instanceof ODataError)) return { outcome: 'FAILED', detail: `threw a non-OData error: ${String(error)}` };
  const rejected = error !== undefined;
  if (negative === rejected) return { outcome: negative ? 'rejected' : 'parsed', detail: '' };
  if (DIVERGENCES[input]) return { outcome: 'divergence', detail: DIVERGENCES[input] };
  return { outcome: 'FAILED', detail: negative ? 'accepted a negative case' : `rejected: ${(error as ODataError).message}` };
}

describe('OASIS ABNF test cases', () => {
  const document = parseYaml(readFileSync(CASES_FILE, 'utf8')) as { TestCases: TestCase[] };
  const inScope = document.TestCases.filter((testCase) => testCase.Rule in RUNNERS);
  const results = inScope.map((testCase) => ({ testCase, ...classify(testCase) }));

  it('has in-scope cases', () => {
    expect(inScope.length).toBeGreaterThan(300);
  });

  it('parses every applicable positive case and rejects every applicable negative case', () => {
    const failed = results.filter((result) => result.outcome === 'FAILED').map((r) => `${r.testCase.Rule} | ${JSON.stringify(r.testCase.Input)} | ${r.testCase.Name} | ${r.detail}`);
    expect(failed).toEqual([]);
  });

  it('lists only divergences that still occur', () => {
    const occurring = new Set(results.filter((r) => r.outcome === 'divergence').map((r) => String(r.testCase.Input)));
    expect(Object.keys(DIVERGENCES).filter((input) => !occurring.has(input))).toEqual([]);
  });

  afterAll(() => {
    const count = (outcome: Outcome) => results.filter((result) => result.outcome === outcome).length;
    const reasons = new Map<string, number>();
    for (const result of results) {
      if (result.outcome === 'not-applicable') reasons.set(result.detail, (reasons.get(result.detail) ?? 0) + 1);
    }
    const lines = [
      `ABNF conformance (${inScope.length} in-scope cases of ${document.TestCases.length}):`,
      `  parsed ${count('parsed')}, rejected ${count('rejected')}, not applicable ${count('not-applicable')}, divergences ${count('divergence')}, failed ${count('FAILED')}`,
      '  not applicable by reason:',
      ...[...reasons].sort((a, b) => b[1] - a[1]).map(([reason, n]) => `    ${String(n).padStart(3)}  ${reason}`),
      '  divergences:',
      ...results.filter((r) => r.outcome === 'divergence').map((r) => `    ${JSON.stringify(r.testCase.Input)}: ${r.detail}`),
    ];
    // The summary is the point of this spec: the team reads coverage here.
    // eslint-disable-next-line no-console
    console.log(lines.join('\n'));
  });
});
