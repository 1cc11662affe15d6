import type { ODataQuery } from '../../../src/odata/ast';
import { ODataError } from '../../../src/odata/errors';
import { DEFAULT_PARSE_LIMITS, parseOrderBy, parseQueryOptions, parseSelect } from '../../../src/odata/parse';
import { expectODataError, seededRandom } from './expect-odata-error';

describe('parseQueryOptions: accepted', () => {
  const cases: Array<[string, Partial<ODataQuery>]> = [
    ['', { orderby: [], count: false }],
    ['?$top=5&$skip=10', { top: 5, skip: 10 }],
    ['$top=0', { top: 0 }],
    ['$count=true', { count: true }],
    ['$count=FALSE', { count: false }],
    ['$select=Title,Id,Title', { select: ['Title', 'Id'] }],
    ['$select=*', { select: undefined }],
    ['$orderby=CreatedOn desc,Id', { orderby: [{ property: 'CreatedOn', direction: 'desc' }, { property: 'Id', direction: 'asc' }] }],
    ['$orderby=Title%09asc', { orderby: [{ property: 'Title', direction: 'asc' }] }],
    ['$search=blue%20green', { search: 'blue green' }],
    ['$skiptoken=Start@Next_Chunk:From?=Here!', { skiptoken: 'Start@Next_Chunk:From?=Here!' }],
    ['$format=json', { format: 'json' }],
    // Percent-decoding happens once, per option value: %27%27 inside a literal is one escaped quote.
    ["$filter=Title%20eq%20'O%27%27Neil'", { filter: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'Title' }, right: { kind: 'literal', type: 'Edm.String', value: "O'Neil" } } }],
    ["$filter=Title eq '%2527'", { filter: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'Title' }, right: { kind: 'literal', type: 'Edm.String', value: '%27' } } }],
    // `+` is form-encoding for a space (documented in parse-query-options.ts); a literal plus is %2B.
    ['$filter=Id+eq+1', { filter: { kind: 'compare', op: 'eq', left: { kind: 'property', name: 'Id' }, right: { kind: 'literal', type: 'Edm.Int32', value: 1 } } }],
    ['$filter=D gt 2024-01-01T00:00:00%2B02:00', { filter: { kind: 'compare', op: 'gt', left: { kind: 'property', name: 'D' }, right: { kind: 'literal', type: 'Edm.DateTimeOffset', value: '2024-01-01T00:00:00+02:00' } } }],
    // System option names are case-insensitive (4.01); the `$` stays required so custom options pass through.
    ['$TOP=3&$Count=true', { top: 3, count: true }],
    ['top=3&sap-client=100&!special&find=O%27Neil', { orderby: [], count: false }],
  ];
  it.each(cases)('%s', (raw, expected) => {
    expect(parseQueryOptions(raw)).toEqual(expect.objectContaining(expected));
  });
});

describe('parseQueryOptions: rejected', () => {
  const cases: Array<[string, ODataError['code'], string]> = [
    ['$top=-1', 'InvalidQueryOption', "'-1' is not a non-negative whole number"],
    ['$top=abc', 'InvalidQueryOption', 'query option $top is not valid'],
    [`$top=${DEFAULT_PARSE_LIMITS.maxTop + 1}`, 'TopTooLarge', `exceeds the maximum of ${DEFAULT_PARSE_LIMITS.maxTop}`],
    ['$skip=1.5', 'InvalidQueryOption', 'query option $skip is not valid'],
    ['$skip=99999999999', 'SkipTooLarge', '$skip=99999999999 exceeds the maximum'],
    ['$count=yes', 'InvalidQueryOption', 'it must be true or false'],
    ['$count', 'InvalidQueryOption', 'it must be true or false'],
    ['$top=1&$TOP=2', 'DuplicateQueryOption', '$top appears more than once'],
    ['$filter=Id eq 1&$filter=Id eq 2', 'DuplicateQueryOption', '$filter appears more than once'],
    ['$foo=1', 'UnknownQueryOption', 'Unknown system query option $foo. Supported: $filter'],
    ['$filter=', 'InvalidFilter', 'it is empty'],
    ['$filter=%zz', 'InvalidUrl', 'malformed percent-encoding'],
    ['$select=A,,B', 'InvalidSelect', 'it has an empty item'],
    ['$select=Author/Name', 'InvalidSelect', 'only property names can be selected'],
    ['$orderby=Author/Name', 'InvalidOrderBy', 'property paths are not supported'],
    ['$orderby=tolower(Title)', 'NotImplemented', 'Ordering by an expression'],
    ['$search=', 'InvalidQueryOption', '$search is not valid: it is empty'],
    ['$expand=Author', 'NotImplemented', '$expand is not supported'],
    ['$apply=groupby((State))', 'NotImplemented', '$apply is not supported'],
    ['$compute=Id add 1 as Next', 'NotImplemented', '$compute is not supported'],
    ['$levels=2', 'NotImplemented', '$levels is not supported'],
    ['$index=1', 'NotImplemented', '$index is not supported'],
    ['$schemaversion=1', 'NotImplemented', '$schemaversion is not supported'],
  ];
  it.each(cases)('%s → %s', (raw, code, fragment) => {
    expectODataError(() => parseQueryOptions(raw), code, fragment);
  });
});

describe('parseOrderBy and parseSelect directly', () => {
  it('reads directions case by case', () => {
    expect(parseOrderBy('A asc, B desc ,C')).toEqual([
      { property: 'A', direction: 'asc' },
      { property: 'B', direction: 'desc' },
      { property: 'C', direction: 'asc' },
    ]);
  });
  it('treats * as all properties', () => {
    expect(parseSelect('Id,*')).toBeUndefined();
  });
});

describe('parseQueryOptions: fuzz', () => {
  const fragments = ['$top', '$skip', '$filter', '$orderby', '$select', '$count', '$search', '$format', '$expand', '$x', 'custom', '=', '=', '&', '&', '%', '%2', '%27', '%zz', '+', 'Id', ' eq ', '1', '-1', "'", 'true', ',', '(', ')', '*', 'desc', '/', '#', '@'];
  it('throws nothing but ODataError on 3,000 deterministic random query strings', () => {
    const random = seededRandom(99);
    const foreign: string[] = [];
    for (let n = 0; n < 3000; n++) {
      const raw = Array.from({ length: 1 + Math.floor(random() * 14) }, () => fragments[Math.floor(random() * fragments.length)]).join('');
      try {
        parseQueryOptions(raw);
      } catch (error) {
        if (!(error instanceof ODataError)) foreign.push(`${JSON.stringify(raw)}: ${String(error)}`);
      }
    }
    expect(foreign).toEqual([]);
  });
});
