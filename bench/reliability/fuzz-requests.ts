/**
 * fast-check arbitraries for hostile OData requests, built from the entity-set declarations (src/entity-sets), so
 * every entity set, key, navigation property and bound action is reached without a hand-kept list: malformed URLs and
 * percent-encodings, unknown properties, literals of the wrong type, huge numbers, deep nesting, very long filters,
 * random `$` options and values, random Accept/Prefer/OData-MaxVersion/If-Match headers, and JSON or non-JSON bodies
 * on POST/PATCH/PUT/DELETE to every entity set and action.
 */
import fc from 'fast-check';
import { ENTITY_SETS } from '../../src/entity-sets/registry';
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { DEMO_AUTHORIZATION } from './reliability-stack';

export interface FuzzRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query as sent on the request line: only characters Node's client accepts (U+0021–U+007E). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** Characters outside U+0021–U+007E (and `#`) as UTF-8 percent-escapes; a `%` stays raw, so malformed escapes go out as they are. */
export function encodeLoosely(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += code > 0x20 && code < 0x7f && char !== '#' ? char : [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}

const SETS = ENTITY_SETS;
const ALL_PROPERTIES = [...new Set(SETS.flatMap((def) => def.properties.map((p) => p.name)))];
const ACTIONS = [...new Set(SETS.flatMap((def) => (def.actions ?? []).map((a) => a.name)))];
const NAVIGATIONS = [...new Set(SETS.flatMap((def) => (def.navigation ?? []).map((n) => n.name)))];

/** Values the default seed has, so some requests go past validation to Bitbucket (the sandbox). */
const REAL_TEXT = ['acme-dev', 'blue-harbor', 'platform-api', 'main', 'OPEN', 'MERGED', 'feature/login-page'];

const hostileText = fc.oneof(
  fc.constantFrom('', "'", "''", '%', '%zz', '%0', '%00', '%2F', '%252F', '%C0%AF', '%FF%FE', '%E2%82', '..', '.', '/', '//', '\\', '(', ')', ',', '=', '&', '?', ';', '$', '@', '*', 'null', 'undefined', '__proto__', 'constructor'),
  fc.constantFrom(...REAL_TEXT),
  fc.string({ unit: 'binary', maxLength: 12 }),
  fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
);

const hugeNumber = fc.oneof(
  fc.constantFrom('9'.repeat(40), '-' + '9'.repeat(400), '1e308', '1e309', '-1e-400', '0.' + '0'.repeat(300) + '1', 'NaN', 'INF', '-INF', '1.5e99999', '2147483648', '-2147483649', '9007199254740993', '0x10', '1_000', '+5', '-0'),
  fc.integer().map(String),
  fc.double({ noNaN: false }).map(String),
  fc.bigInt({ min: -(10n ** 60n), max: 10n ** 60n }).map(String),
);

/** Literals of every OData kind, mostly the wrong one for where they land. */
const literal = fc.oneof(
  hugeNumber,
  hostileText.map((text) => `'${text.replace(/'/g, "''")}'`),
  hostileText.map((text) => `'${text}'`),
  fc.constantFrom('true', 'false', 'null', 'TRUE', 'now()', 'maxdatetime()'),
  fc.constantFrom('2024-01-01T00:00:00Z', '2024-13-45T25:61:00Z', '2024-02-30', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59.9999999Z', '2024-01-01T00:00:00+14:00', '2024-01-01'),
  fc.constantFrom("duration'P1D'", "duration'PXD'", "binary'AAEC'", '01234567-89ab-cdef-0123-456789abcdef', "Bitbucket.State'OPEN'", "geography'POINT(1 2)'", '[1,2]', '{"a":1}', '@alias'),
);

const propertyName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ALL_PROPERTIES) },
  { weight: 1, arbitrary: fc.constantFrom('Nope', 'id', 'ID', 'Repository/Name', 'Comments/Id', 'a/b/c', '$it', '$this', 'Workspace/Slug', '_', '1abc') },
  { weight: 1, arbitrary: hostileText },
);

/** A literal of the property's own type: the well-formed requests that get past validation to Bitbucket. */
function typedLiteral(type: string): fc.Arbitrary<string> {
  if (type === 'Edm.String' || type === 'Edm.Guid') return fc.oneof(fc.constantFrom(...REAL_TEXT), fc.string({ maxLength: 6 })).map((v) => `'${v.replace(/'/g, "''")}'`);
  if (type === 'Edm.DateTimeOffset') return fc.date({ min: new Date('2015-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());
  if (type === 'Edm.Boolean') return fc.constantFrom('true', 'false');
  if (type === 'Edm.Date') return fc.constantFrom('2024-01-01', '2020-02-29');
  return fc.integer({ min: -5, max: 200 }).map(String);
}

/** `Property op literal` over the set's own properties, literals of the right type. */
function wellFormedFilter(def: EntitySetDefinition): fc.Arbitrary<string> {
  const predicate = fc.constantFrom(...def.properties).chain((property) =>
    fc.oneof(
      fc.tuple(fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le'), typedLiteral(property.type)).map(([op, v]) => `${property.name} ${op} ${v}`),
      property.type === 'Edm.String' ? fc.tuple(fc.constantFrom('contains', 'startswith', 'endswith'), typedLiteral('Edm.String')).map(([f, v]) => `${f}(${property.name},${v})`) : fc.constant(`${property.name} ne null`),
    ),
  );
  return fc.array(predicate, { minLength: 1, maxLength: 3 }).chain((parts) => fc.constantFrom(' and ', ' or ').map((joiner) => parts.join(joiner)));
}

const comparison = fc.constantFrom('eq', 'ne', 'gt', 'ge', 'lt', 'le', 'has', 'in', 'EQ', 'like', '=');
const functionName = fc.constantFrom('contains', 'startswith', 'endswith', 'tolower', 'toupper', 'length', 'indexof', 'substring', 'trim', 'concat', 'year', 'month', 'day', 'hour', 'round', 'floor', 'cast', 'isof', 'matchesPattern', 'geo.distance', 'nosuchfunction');

/** Boolean-ish expressions, nested up to a few levels. */
const filterExpression = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.tuple(propertyName, comparison, literal).map(([p, op, v]) => (op === 'in' ? `${p} in (${v},${v})` : `${p} ${op} ${v}`)),
    fc.tuple(functionName, propertyName, literal).map(([f, p, v]) => `${f}(${p},${v})`),
    fc.tuple(functionName, propertyName).map(([f, p]) => `${f}(${p}) eq 1`),
    fc.tuple(tie('expr'), fc.constantFrom('and', 'or', 'AND', 'add', ''), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((e) => `not (${e})`),
    tie('expr').map((e) => `(${e}`),
    propertyName,
    literal,
    fc.tuple(propertyName, fc.constantFrom('any', 'all')).map(([p, lambda]) => `${p}/${lambda}(x:x/Id eq 1)`),
  ),
})).expr;

/** Nesting and length far past any sane query (MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, the URL limit). */
const extremeFilter = fc.oneof(
  fc.integer({ min: 1, max: 3_000 }).map((n) => `${'('.repeat(n)}Id eq 1${')'.repeat(n)}`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `${'not '.repeat(n)}IsPrivate`),
  fc.integer({ min: 1, max: 3_000 }).map((n) => `${'('.repeat(n)}Id eq 1`),
  fc.integer({ min: 1, max: 600 }).map((n) => Array.from({ length: n }, (_, i) => `Id eq ${i}`).join(' or ')),
  fc.integer({ min: 1, max: 600 }).map((n) => `Id in (${Array.from({ length: n }, (_, i) => i).join(',')})`),
  fc.integer({ min: 1, max: 10_000 }).map((n) => `Name eq '${'x'.repeat(n)}'`),
  fc.integer({ min: 1, max: 200 }).map((n) => `${'tolower('.repeat(n)}Name${')'.repeat(n)} eq 'a'`),
);

const selectList = fc.array(fc.oneof(propertyName, fc.constantFrom('*', '@odata.etag', 'Bitbucket.*', '')), { maxLength: 5 }).map((names) => names.join(','));
const orderbyList = fc.array(fc.tuple(propertyName, fc.constantFrom('', ' asc', ' desc', ' sideways')), { maxLength: 4 }).map((items) => items.map(([p, d]) => p + d).join(','));
const expandList = fc.array(
  fc.tuple(fc.oneof(fc.constantFrom(...NAVIGATIONS), propertyName, fc.constantFrom('*', '$ref', 'Repository/Owner')), fc.option(fc.constantFrom('($top=2)', '($filter=Id eq 1)', '($select=Name;$top=1)', '($expand=PullRequests)', '($levels=max)', '(', '($top=-1)', '($orderby=CreatedOn desc;$count=true)'))),
  { maxLength: 3 },
).map((items) => items.map(([n, o]) => n + (o ?? '')).join(','));

const OPTION_NAMES = ['$filter', '$select', '$orderby', '$top', '$skip', '$count', '$expand', '$search', '$format', '$skiptoken', '$apply', '$compute', '$levels', '$index', '$schemaversion', '$deltatoken', '$id', '$foo', '$FILTER', '$Top', 'filter', 'top', 'select', 'custom', '@alias', '$', ''];

/** One `name=value` pair; the value suits the name most of the time and is anything otherwise. */
function hostileOption(): fc.Arbitrary<string> {
  return fc.constantFrom(...OPTION_NAMES).chain((name) => {
    const bare = name.replace(/^\$/, '').toLowerCase();
    const fitting: fc.Arbitrary<string> =
      bare === 'filter' ? fc.oneof({ weight: 4, arbitrary: filterExpression }, { weight: 1, arbitrary: extremeFilter })
        : bare === 'select' ? selectList
          : bare === 'orderby' ? orderbyList
            : bare === 'expand' ? expandList
              : bare === 'top' || bare === 'skip' || bare === 'levels' || bare === 'index' ? hugeNumber
                : bare === 'count' ? fc.constantFrom('true', 'false', 'TRUE', '1', 'yes', '')
                  : bare === 'format' ? fc.constantFrom('json', 'xml', 'atom', 'application/json;odata.metadata=full', 'application/json;odata.metadata=bogus', 'text/csv', 'application/json;IEEE754Compatible=true', '')
                    : bare === 'skiptoken' ? fc.oneof(fc.base64String({ maxLength: 60 }), hostileText)
                      : literal;
    return fc.tuple(fc.oneof({ weight: 5, arbitrary: fitting }, { weight: 1, arbitrary: hostileText }), fc.boolean(), fc.boolean()).map(([value, encode, withEquals]) => {
      const sent = encode ? encodeURIComponent(value) : encodeLoosely(value);
      return withEquals ? `${name}=${sent}` : name;
    });
  });
}

/** Options a client would send for this set: well-formed, typed, sometimes expensive. */
function wellFormedOptions(def: EntitySetDefinition): fc.Arbitrary<string[]> {
  const names = def.properties.map((p) => p.name);
  return fc
    .record(
      {
        filter: wellFormedFilter(def).map((f) => `$filter=${encodeURIComponent(f)}`),
        select: fc.subarray(names, { minLength: 1, maxLength: 4 }).map((picked) => `$select=${picked.join(',')}`),
        orderby: fc.tuple(fc.constantFrom(...names), fc.constantFrom('asc', 'desc')).map(([n, d]) => `$orderby=${encodeURIComponent(`${n} ${d}`)}`),
        top: fc.integer({ min: 0, max: 300 }).map((n) => `$top=${n}`),
        skip: fc.integer({ min: 0, max: 50 }).map((n) => `$skip=${n}`),
        count: fc.constant('$count=true'),
        expand: fc.constantFrom(...(def.navigation ?? []).map((n) => n.name), '').map((n) => (n ? `$expand=${n}(${encodeURIComponent('$top=2')})` : '')),
      },
      { requiredKeys: [] },
    )
    .map((record) => Object.values(record).filter((v): v is string => typeof v === 'string' && v !== ''));
}

function queryString(def: EntitySetDefinition | undefined): fc.Arbitrary<string> {
  const hostile = fc.array(hostileOption(), { maxLength: 5 });
  const options = def ? fc.oneof({ weight: 3, arbitrary: wellFormedOptions(def) }, { weight: 1, arbitrary: hostile }) : hostile;
  return options.map((picked) => (picked.length === 0 ? '' : `?${picked.join('&')}`));
}

/** A key predicate: the right shape with plausible values, the right names with wrong values, or junk. */
function keyPredicate(def: EntitySetDefinition): fc.Arbitrary<string> {
  const keyValue = (name: string) =>
    fc.oneof(
      fc.constantFrom(...REAL_TEXT).map((v) => `'${v}'`),
      fc.integer({ min: -2, max: 30 }).map(String),
      literal,
    ).map((v) => `${name}=${v}`);
  const named = fc.tuple(...def.key.map(keyValue)).map((parts) => `(${parts.join(',')})`);
  const junk = fc.oneof(
    fc.constantFrom('()', '(', ')', '(1)', "('x')", '(Id=)', '(=1)', '(Id=1,Id=2)', '(Nope=1)', '(Id=1', "(Workspace='acme-dev')"),
    hostileText.map((text) => `(${text})`),
  );
  return fc.oneof({ weight: 6, arbitrary: named }, { weight: 1, arbitrary: junk }).map(encodeLoosely);
}

/** After an entity: nothing, a navigation property, $count, $value, a bound action, or something else. */
function tail(def: EntitySetDefinition): fc.Arbitrary<string> {
  const options: string[] = ['', '', '/$count', '/$value', '/$ref', '/Nope', '/Bitbucket.Explode', '/Name/$value'];
  for (const navigation of def.navigation ?? []) options.push(`/${navigation.name}`, `/${navigation.name}/$count`);
  for (const action of def.actions ?? []) options.push(`/Bitbucket.${action.name}`, `/${action.name}`);
  return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...options) }, { weight: 1, arbitrary: hostileText.map((t) => `/${encodeLoosely(t)}`) });
}

/** A path and, when it addresses an entity set, that set (whose properties the query then uses). */
const resourcePath: fc.Arbitrary<[string, EntitySetDefinition | undefined]> = fc.oneof(
  { weight: 1, arbitrary: fc.constantFrom<[string, undefined]>(...['/odata/', '/odata', '/odata/$metadata', '/odata/$batch', '/odata/$entity', '/odata/$count', '/odata/$all', '/odata//', '/odata/./PullRequests', '/odata/%2E%2E/health', '/odata/Me', '/odata/Me/Nope'].map((p): [string, undefined] => [p, undefined])) },
  { weight: 1, arbitrary: hostileText.map((t): [string, undefined] => [`/odata/${encodeLoosely(t)}`, undefined]) },
  {
    weight: 16,
    arbitrary: fc.constantFrom(...SETS).chain((def) =>
      def.singleton
        ? fc.constant<[string, EntitySetDefinition]>([`/odata/${def.name}`, def])
        : fc
          .tuple(fc.option(keyPredicate(def), { freq: 2 }), tail(def))
          .map(([key, rest]): [string, EntitySetDefinition] => [`/odata/${def.name}${key ?? ''}${key ? rest : rest === '/$count' ? rest : ''}`, def]),
    ),
  },
);

/** Absent four times in five; otherwise mostly a value a client sends, sometimes a wrong one. */
function sometimes(usual: string[], odd: fc.Arbitrary<string>): fc.Arbitrary<string | undefined> {
  return fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...usual) }, { weight: 1, arbitrary: odd });
}

const headers: fc.Arbitrary<Record<string, string>> = fc
  .record({
    Authorization: fc.oneof({ weight: 15, arbitrary: fc.constant(DEMO_AUTHORIZATION) }, { weight: 1, arbitrary: fc.constantFrom('Bearer ', 'Bearer not-a-token', 'Basic !!!', 'Basic ' + Buffer.from('demo@example.com:wrong').toString('base64'), 'Digest x', '') }),
    Accept: sometimes(['application/json', 'application/json;odata.metadata=minimal', 'application/json;odata.metadata=full', 'application/json;odata.metadata=none', '*/*'], fc.constantFrom('application/xml', 'text/html', 'text/plain', 'application/json;q=0', 'garbage;;;=', 'application/atom+xml', 'application/json;odata.metadata=bogus', 'application/json;odata.metadata=full;odata.streaming=true')),
    Prefer: sometimes(['return=minimal', 'return=representation', 'odata.maxpagesize=5', 'odata.maxpagesize=50'], fc.oneof(
      fc.constantFrom('odata.maxpagesize=0', 'odata.maxpagesize=-1', 'odata.maxpagesize=99999999999999999999', 'odata.maxpagesize=abc', 'odata.include-annotations="*"', 'respond-async', 'odata.track-changes', 'wait=10', ',,,', 'return=minimal, return=representation'),
      hostileText.map(encodeLoosely),
    )),
    'OData-MaxVersion': sometimes(['4.0', '4.01'], fc.constantFrom('4.1', '5.0', '3.0', '4', 'abc', '', '4.01.1')),
    'OData-Version': sometimes(['4.0'], fc.constantFrom('3.0', '5.0', 'x', '')),
    'If-Match': sometimes(['*', 'W/"2024-01-01T00:00:00Z"'], fc.constantFrom('"abc"', 'W/"x", W/"y"', 'garbage', '')),
    'Content-Type': sometimes(['application/json', 'application/json;charset=utf-8'], fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json;charset=latin1', 'application/xml')),
  })
  .map((record) => Object.fromEntries(Object.entries(record).filter((entry): entry is [string, string] => typeof entry[1] === 'string')));

/** A body for a write: an object with the model's property names, any JSON, malformed JSON, text, or huge. */
const body: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(propertyName, fc.oneof(fc.jsonValue({ maxDepth: 3 }), literal), { maxKeys: 6 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null') },
  { weight: 1, arbitrary: fc.constantFrom('', '{', '{"Name":', '[1,2', 'null', '"text"', '42', 'true', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', 'Key=X&Name=Y', '<xml/>', '\u0000\u0001', '{"Name":"\ud800"}') },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 400_000 }).map((n) => JSON.stringify({ Name: 'x'.repeat(n), Content: 'y'.repeat(n) })) },
);

/** The whole request: mostly reads, some writes with a body (sent as JSON unless the headers chose otherwise). */
export function fuzzRequest(): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      fc.constantFrom<FuzzRequest['method']>('GET', 'GET', 'GET', 'GET', 'GET', 'GET', 'POST', 'POST', 'PATCH', 'PUT', 'DELETE'),
      resourcePath.chain(([path, def]) => queryString(def).map((query) => `${path}${query}`)),
      headers,
      fc.option(body, { freq: 6 }),
    )
    .map(([method, path, chosenHeaders, maybeBody]) => {
      const request: FuzzRequest = { method, path, headers: chosenHeaders };
      if (method !== 'GET' && maybeBody !== null) {
        request.body = maybeBody;
        if (!('Content-Type' in chosenHeaders)) request.headers = { ...chosenHeaders, 'Content-Type': 'application/json' };
      }
      return request;
    });
}

/** One line per request, for a failure report: method, path (cut) and what else was sent. */
export function describeRequest(request: FuzzRequest): string {
  const path = request.path.length > 300 ? `${request.path.slice(0, 300)}… (${request.path.length} chars)` : request.path;
  const body = request.body === undefined ? '' : ` body(${request.body.length}): ${request.body.slice(0, 120)}`;
  return `${request.method} ${path} ${JSON.stringify(request.headers)}${body}`;
}

/** Re-exported so callers name one module. */
export { fc };
