/**
 * The raw query string → ODataQuery: option names, percent-decoding, duplicates, and each system query option's
 * own syntax ($orderby, $select, $top, $skip, $count, $search, $format, $skiptoken). `$filter` has its own specs.
 */
import type { ODataQuery } from '../../../src/odata/ast';
import type { ErrorCode } from '../../../src/odata/errors';
import { DEFAULT_PARSE_LIMITS, MAX_SKIP, parseOrderBy, parseQueryOptions, parseSelect } from '../../../src/odata/parse';
import { expectODataError } from './expect-odata-error';
import { cmp, int32, lit, prop, str } from './expr-builders';

const NOTHING: ODataQuery = { orderby: [], count: false };

describe('parseQueryOptions: option names and encoding', () => {
  const cases: Array<[string, ODataQuery]> = [
    ['', NOTHING],
    ['?', NOTHING],
    ['&&', NOTHING],
    ['?$top=5&$skip=10', { ...NOTHING, top: 5, skip: 10 }],
    // System option names are case-insensitive (4.01); the `$` may be percent-encoded.
    ['$TOP=3&$Count=true&$FiLtEr=Id eq 1', { ...NOTHING, top: 3, count: true, filter: cmp('eq', prop('Id'), int32(1)) }],
    ['%24top=3', { ...NOTHING, top: 3 }],
    // Custom options (no `$`) are allowed and ignored (Part 2 §5.2), however they are spelled.
    ['top=3&sap-client=100&!special&find=O%27Neil&x-y=%zz&@word=1', NOTHING],
    // Percent-decoding happens once, per value: %27%27 inside a literal is one escaped quote, %2527 stays "%27".
    ["$filter=Title%20eq%20'O%27%27Neil'", { ...NOTHING, filter: cmp('eq', prop('Title'), str("O'Neil")) }],
    ["$filter=Title eq '%2527'", { ...NOTHING, filter: cmp('eq', prop('Title'), str('%27')) }],
    ["$filter=Title eq 'J%C3%BCrgen %F0%9F%98%80'", { ...NOTHING, filter: cmp('eq', prop('Title'), str('Jürgen 😀')) }],
    // `+` is form-encoding for a space (as ASP.NET Core OData reads it); a literal plus is %2B.
    ['$filter=Id+eq+1', { ...NOTHING, filter: cmp('eq', prop('Id'), int32(1)) }],
    ["$filter=Title eq 'a+b'", { ...NOTHING, filter: cmp('eq', prop('Title'), str('a b')) }],
    ["$filter=Title eq 'a%2Bb'", { ...NOTHING, filter: cmp('eq', prop('Title'), str('a+b')) }],
    ['$filter=D gt 2024-01-01T00:00:00%2B02:00', { ...NOTHING, filter: cmp('gt', prop('D'), lit('Edm.DateTimeOffset', '2024-01-01T00:00:00+02:00')) }],
    ['$filter=T eq 11%3A22%3a33', { ...NOTHING, filter: cmp('eq', prop('T'), lit('Edm.TimeOfDay', '11:22:33')) }],
    ['$search=blue+green', { ...NOTHING, search: 'blue green' }],
  ];
  it.each(cases)('%j', (raw, expected) => {
    expect(parseQueryOptions(raw)).toEqual(expected);
  });
});

describe('parseQueryOptions: $top, $skip, $count, $search, $format, $skiptoken', () => {
  const cases: Array<[string, Partial<ODataQuery>]> = [
    ['$top=0', { top: 0 }],
    ['$top=007', { top: 7 }],
    [`$top=${DEFAULT_PARSE_LIMITS.maxTop}`, { top: DEFAULT_PARSE_LIMITS.maxTop }],
    ['$skip=0', { skip: 0 }],
    [`$skip=${MAX_SKIP}`, { skip: MAX_SKIP }],
    ['$skip=00000000000000000000001', { skip: 1 }],
    ['$count=true', { count: true }],
    ['$count=false', { count: false }],
    ['$count=TRUE', { count: true }],
    ['$count=False', { count: false }],
    ['$search=blue', { search: 'blue' }],
    ['$search=blue%20green', { search: 'blue green' }],
    ['$search="blue green"', { search: '"blue green"' }],
    ['$search=NOT (blue OR green)', { search: 'NOT (blue OR green)' }],
    ['$search=%CE%94', { search: 'Δ' }],
    ['$format=json', { format: 'json' }],
    ['$format=application/json;odata.metadata=minimal', { format: 'application/json;odata.metadata=minimal' }],
    ['$skiptoken=Start@Next_Chunk:From?=Here!', { skiptoken: 'Start@Next_Chunk:From?=Here!' }],
  ];
  it.each(cases)('%s', (raw, expected) => {
    expect(parseQueryOptions(raw)).toEqual({ ...NOTHING, ...expected });
  });

  it('applies the configured limits', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxTop: 10 };
    expect(parseQueryOptions('$top=10', limits).top).toBe(10);
    expectODataError(() => parseQueryOptions('$top=11', limits), 'TopTooLarge', '$top=11 exceeds the maximum of 10. Use a smaller $top and follow @odata.nextLink.');
  });
});

describe('parseQueryOptions: $orderby', () => {
  const cases: Array<[string, ODataQuery['orderby']]> = [
    ['$orderby=Title', [{ property: 'Title', direction: 'asc' }]],
    ['$orderby=Title asc', [{ property: 'Title', direction: 'asc' }]],
    ['$orderby=Title desc', [{ property: 'Title', direction: 'desc' }]],
    ['$orderby=Title%09asc', [{ property: 'Title', direction: 'asc' }]],
    ['$orderby=Title+desc', [{ property: 'Title', direction: 'desc' }]],
    // "asc" and "desc" are case-insensitive (ABNF double-quoted strings).
    ['$orderby=Title DESC,Id Asc', [{ property: 'Title', direction: 'desc' }, { property: 'Id', direction: 'asc' }]],
    ['$orderby=CreatedOn desc,Id', [{ property: 'CreatedOn', direction: 'desc' }, { property: 'Id', direction: 'asc' }]],
    ['$orderby=A asc, B desc ,C', [{ property: 'A', direction: 'asc' }, { property: 'B', direction: 'desc' }, { property: 'C', direction: 'asc' }]],
    ['$orderby=(Title) desc', [{ property: 'Title', direction: 'desc' }]],
    ['$orderby=Id,Id desc', [{ property: 'Id', direction: 'asc' }, { property: 'Id', direction: 'desc' }]],
  ];
  it.each(cases)('%s', (raw, orderby) => {
    expect(parseQueryOptions(raw).orderby).toEqual(orderby);
  });

  it('is also callable on the option value alone', () => {
    expect(parseOrderBy('Name asc,Rating,ReleaseDate desc')).toEqual([
      { property: 'Name', direction: 'asc' },
      { property: 'Rating', direction: 'asc' },
      { property: 'ReleaseDate', direction: 'desc' },
    ]);
  });
});

describe('parseQueryOptions: $select', () => {
  const cases: Array<[string, string[] | undefined]> = [
    ['$select=Title', ['Title']],
    ['$select=Title,Id', ['Title', 'Id']],
    ['$select=Title,Id,Title', ['Title', 'Id']], // duplicates collapse, first position kept
    ['$select=Title, Id', ['Title', 'Id']],
    ['$select=*', undefined],
    ['$select=%2A', undefined],
    ['$select=Id,*', undefined], // `*` selects everything, whatever else is listed
    ['$select=_private,a1', ['_private', 'a1']],
  ];
  it.each(cases)('%s', (raw, select) => {
    const query = parseQueryOptions(raw);
    expect('select' in query).toBe(true);
    expect(query.select).toEqual(select);
  });

  it('is also callable on the option value alone', () => {
    expect(parseSelect('Id,Title')).toEqual(['Id', 'Title']);
  });
});

describe('parseQueryOptions: rejected, with the code and a message that says what to change', () => {
  const cases: Array<[string, ErrorCode, string]> = [
    // Names
    ['$top=1&$TOP=2', 'DuplicateQueryOption', 'The query option $top appears more than once; give it once.'],
    ['$top=1&%24top=2', 'DuplicateQueryOption', '$top appears more than once'],
    ['$filter=Id eq 1&$filter=Id eq 2', 'DuplicateQueryOption', '$filter appears more than once'],
    ['$format=json&$Format=atom', 'DuplicateQueryOption', '$format appears more than once'],
    ['$foo=1', 'UnknownQueryOption', 'Unknown system query option $foo. Supported: $filter, $orderby, $select, $expand, $top, $skip, $count, $search, $format, $skiptoken.'],
    ['$=1', 'UnknownQueryOption', 'Unknown system query option $.'],
    ['$Top5=1', 'UnknownQueryOption', 'Unknown system query option $Top5.'],
    ['$apply=groupby((State))', 'NotImplemented', '$apply is not supported'],
    ['$compute=Id add 1 as Next', 'NotImplemented', '$compute is not supported'],
    ['$levels=2', 'NotImplemented', '$levels is not supported'],
    ['$index=1', 'NotImplemented', '$index is not supported'],
    ['$schemaversion=1', 'NotImplemented', '$schemaversion is not supported'],
    ['$deltatoken=abc', 'NotImplemented', '$deltatoken is not supported'],
    ['$id=Items(1)', 'NotImplemented', '$id is not supported'],
    // Percent-encoding
    ['$filter=%zz', 'InvalidUrl', "'%zz' has a malformed percent-encoding"],
    ["$filter=Title eq '100%'", 'InvalidUrl', 'has a malformed percent-encoding'],
    ['$filter=Title eq %C3%28', 'InvalidUrl', 'has a malformed percent-encoding'], // not UTF-8
    ['$filter=Title eq %E2%82', 'InvalidUrl', 'has a malformed percent-encoding'], // truncated UTF-8
    ['%zz=1', 'InvalidUrl', "'%zz' has a malformed percent-encoding"],
    // $top and $skip
    ['$top=-1', 'InvalidQueryOption', "The query option $top is not valid: '-1' is not a non-negative whole number."],
    ['$top=abc', 'InvalidQueryOption', "'abc' is not a non-negative whole number"],
    ['$top=1.5', 'InvalidQueryOption', "'1.5' is not a non-negative whole number"],
    ['$top=1e3', 'InvalidQueryOption', "'1e3' is not a non-negative whole number"],
    ['$top=%2B5', 'InvalidQueryOption', "'+5' is not a non-negative whole number"],
    ['$top=', 'InvalidQueryOption', "'' is not a non-negative whole number"],
    ['$top', 'InvalidQueryOption', "'' is not a non-negative whole number"],
    [`$top=${DEFAULT_PARSE_LIMITS.maxTop + 1}`, 'TopTooLarge', `$top=${DEFAULT_PARSE_LIMITS.maxTop + 1} exceeds the maximum of ${DEFAULT_PARSE_LIMITS.maxTop}`],
    ['$top=99999999999999999999999', 'TopTooLarge', '$top=99999999999999999999999 exceeds the maximum'],
    [`$top=${'9'.repeat(60)}`, 'TopTooLarge', `$top=${'9'.repeat(40)}… exceeds the maximum`],
    ['$skip=1.5', 'InvalidQueryOption', "The query option $skip is not valid: '1.5' is not a non-negative whole number."],
    ['$skip=-0', 'InvalidQueryOption', "'-0' is not a non-negative whole number"],
    [`$skip=${MAX_SKIP + 1}`, 'SkipTooLarge', `$skip=${MAX_SKIP + 1} exceeds the maximum of ${MAX_SKIP}.`],
    ['$skip=99999999999999999999999', 'SkipTooLarge', '$skip=99999999999999999999999 exceeds the maximum'],
    // $count
    ['$count=yes', 'InvalidQueryOption', 'The query option $count is not valid: it must be true or false.'],
    ['$count=1', 'InvalidQueryOption', 'it must be true or false'],
    ['$count', 'InvalidQueryOption', 'it must be true or false'],
    // $search
    ['$search=', 'InvalidQueryOption', 'The query option $search is not valid: it is empty.'],
    ['$search=%20%20', 'InvalidQueryOption', '$search is not valid: it is empty'],
    ['$search=+', 'InvalidQueryOption', '$search is not valid: it is empty'],
    [`$search=${'a'.repeat(DEFAULT_PARSE_LIMITS.maxFilterLength + 1)}`, 'InvalidQueryOption', `$search is not valid: it is ${DEFAULT_PARSE_LIMITS.maxFilterLength + 1} characters long; the limit is ${DEFAULT_PARSE_LIMITS.maxFilterLength}`],
    [`$search=${'('.repeat(51)}x`, 'InvalidQueryOption', '$search is not valid: it nests parentheses 51 levels deep; the limit is 50'],
    // $format and $skiptoken need a value
    ['$format=', 'InvalidQueryOption', 'The query option $format is not valid: it is empty; name a format, e.g. $format=json.'],
    ['$skiptoken=', 'InvalidQueryOption', '$skiptoken is not valid: it is empty; copy the whole @odata.nextLink'],
    ['$skiptoken', 'InvalidQueryOption', '$skiptoken is not valid: it is empty'],
    // the nesting limit names the option that nests
    [`$orderby=${'('.repeat(51)}Title${')'.repeat(51)}`, 'FilterTooDeep', 'The $orderby expression nests 51 levels deep; the limit is 50.'],
    // $select
    ['$select=', 'InvalidSelect', 'The $select option is not valid: it has an empty item; separate property names with single commas.'],
    ['$select=A,,B', 'InvalidSelect', 'it has an empty item'],
    ['$select=A,', 'InvalidSelect', 'it has an empty item'],
    ['$select=Author/Name', 'InvalidSelect', "'Author/Name': only property names can be selected (the entities are flat); for a related entity's properties, expand it: $expand=Author($select=Name)"],
    ['$select=Address($select=City)', 'InvalidSelect', 'only property names can be selected'],
    ['$select=Model.*', 'InvalidSelect', "'Model.*' is not a property name"],
    ['$select=1st', 'InvalidSelect', "'1st' is not a property name"],
    ['$select=Title desc', 'InvalidSelect', "'Title desc' is not a property name"],
    // $orderby
    ['$orderby=', 'InvalidOrderBy', 'The $orderby option is not valid: it ends where an operand was expected.'],
    ['$orderby=Title,', 'InvalidOrderBy', 'it ends where an operand was expected'],
    ['$orderby=,Title', 'InvalidOrderBy', "unexpected ',Title' at position 1"],
    ['$orderby=Title desc asc', 'InvalidOrderBy', "expected ',' or the end at position 12"],
    ['$orderby=Title descending', 'InvalidOrderBy', "expected ',' or the end at position 7"],
    ['$orderby=Author/Name', 'NotImplemented', 'Ordering by a path (Author/Name) is not supported by this service. Order by properties of the entity itself'],
    ['$orderby=tolower(Title)', 'NotImplemented', 'Ordering by an expression is not supported by this service. Order by property names, e.g. $orderby=CreatedOn desc,Id.'],
    ['$orderby=Cost ge Revenue asc', 'NotImplemented', 'Ordering by an expression'],
    ['$orderby=Id add 1', 'NotImplemented', 'Ordering by an expression'],
    // $filter
    ['$filter=', 'InvalidFilter', 'it is empty'],
    ['$filter', 'InvalidFilter', 'it is empty'],
    ['$filter=contains(Title,@word)&@word=%27Black%27', 'NotImplemented', 'Parameter aliases'],
  ];
  it.each(cases)('%j → %s', (raw, code, fragment) => {
    expectODataError(() => parseQueryOptions(raw), code, fragment);
  });
});
