/**
 * `$expand` (OData 4.01 Part 2 §5.1.3): one level of navigation properties with nested $select, $filter, $orderby,
 * $top, $skip, $count; everything else of the grammar refused with the code and a message that says what to do.
 * Then the model check (`validateExpand`): names resolved against the navigation properties, nested options
 * against the target.
 */
import type { ExpandItem, ODataQuery } from '../../../src/odata/ast';
import type { ErrorCode } from '../../../src/odata/errors';
import { DEFAULT_PARSE_LIMITS, MAX_EXPAND_ITEMS, parseExpand, parseQueryOptions, validateExpand } from '../../../src/odata/parse';
import { fixtureModel as model } from '../metadata/edm-model-fixture';
import { expectODataError } from './expect-odata-error';
import { cmp, int32, prop, str } from './expr-builders';

const PLAIN = { orderby: [], count: false };

describe('parseExpand: accepted', () => {
  const cases: Array<[string, ExpandItem[]]> = [
    ['Repository', [{ navigation: 'Repository', options: PLAIN }]],
    [' Repository , Comments ', [{ navigation: 'Repository', options: PLAIN }, { navigation: 'Comments', options: PLAIN }]],
    ['Repository($select=Name)', [{ navigation: 'Repository', options: { ...PLAIN, select: ['Name'] } }]],
    ['Repository($select=*)', [{ navigation: 'Repository', options: PLAIN }]],
    [
      "PullRequests($filter=State eq 'OPEN';$orderby=CreatedOn desc,Id;$top=5;$skip=2;$count=true;$select=Id,Title)",
      [
        {
          navigation: 'PullRequests',
          options: {
            filter: cmp('eq', prop('State'), str('OPEN')),
            orderby: [{ property: 'CreatedOn', direction: 'desc' }, { property: 'Id', direction: 'asc' }],
            top: 5,
            skip: 2,
            count: true,
            select: ['Id', 'Title'],
          },
        },
      ],
    ],
    // Option names are case-insensitive; ';' and ',' inside string literals (with '' escapes) do not split.
    ["PullRequests($FILTER=Title eq 'a;b,c''d)';$Top=1),Tags", [
      { navigation: 'PullRequests', options: { ...PLAIN, filter: cmp('eq', prop('Title'), str("a;b,c'd)")), top: 1 } },
      { navigation: 'Tags', options: PLAIN },
    ]],
    ['Comments($filter=(Id eq 1))', [{ navigation: 'Comments', options: { ...PLAIN, filter: cmp('eq', prop('Id'), int32(1)) } }]],
    ['Comments($count=false)', [{ navigation: 'Comments', options: PLAIN }]],
  ];
  it.each(cases)('%s', (text, expected) => {
    expect(parseExpand(text)).toEqual(expected);
  });

  it('arrives through parseQueryOptions, percent-decoded once, and takes the expanded names out of $select', () => {
    const query: ODataQuery = parseQueryOptions('$select=Id,Repository&$expand=Repository(%24select%3DName)');
    expect(query).toEqual({ ...PLAIN, select: ['Id'], expand: [{ navigation: 'Repository', options: { ...PLAIN, select: ['Name'] } }] });
  });
});

describe('parseExpand: refused, with the code and a message that says what to do', () => {
  const cases: Array<[string, ErrorCode, string]> = [
    ['', 'InvalidExpand', 'it is empty; name a navigation property'],
    ['Repository,,Comments', 'InvalidExpand', 'it has an empty item'],
    ['Repository,Repository($select=Name)', 'InvalidExpand', 'Repository is expanded more than once'],
    ['*', 'NotImplemented', '$expand=* is not supported by this service. Name the navigation properties to expand'],
    ['*/$ref', 'NotImplemented', '$expand=* is not supported'],
    ['Comments/$ref', 'NotImplemented', '$expand with /$ref is not supported by this service. Expand the entities themselves ($expand=Comments)'],
    ['Comments/$count', 'NotImplemented', 'Use $expand=Comments($count=true;$top=0)'],
    ['Repository/Owner', 'InvalidExpand', "'Repository/Owner' is a path; name a navigation property of the entity itself"],
    ['$value', 'InvalidExpand', "'$value' is not a navigation property name"],
    ['@Namespace.Term', 'InvalidExpand', 'is not a navigation property name'],
    ['PullRequests($expand=Comments)', 'NotImplemented', 'A nested $expand (expanding more than one level) is not supported by this service. Expand one level, then query'],
    ['PullRequests($select=Id;$EXPAND=Comments)', 'NotImplemented', 'A nested $expand'],
    ['PullRequests($levels=2)', 'NotImplemented', '$levels is not supported'],
    ['PullRequests($search=fix)', 'NotImplemented', '$search inside $expand is not supported by this service. Use a nested $filter with contains()'],
    ['PullRequests($compute=Id add 1 as Next)', 'NotImplemented', '$compute inside $expand'],
    ['PullRequests(select=Id)', 'InvalidExpand', "'select' in PullRequests(…) is not an option this service supports there; use $select, $filter, $orderby, $top, $skip, $count"],
    ['PullRequests(@c=1)', 'InvalidExpand', "'@c' in PullRequests(…) is not an option"],
    ['PullRequests($top=1;$top=2)', 'InvalidExpand', '$top appears more than once in PullRequests(…)'],
    ['PullRequests($top=)', 'InvalidExpand', '$top in PullRequests(…) has no value'],
    ['PullRequests()', 'InvalidExpand', 'PullRequests() has empty parentheses'],
    ['PullRequests($top=1', 'InvalidExpand', "$expand has a '(' without its ')'"],
    ['PullRequests($top=1))', 'InvalidExpand', "$expand has a ')' without its '('"],
    ['PullRequests($top=1)x', 'InvalidExpand', "has text after its closing ')'"],
    ["PullRequests($filter=Title eq 'x)", 'InvalidExpand', 'a string literal without its closing quote'],
    ['PullRequests($top=-1)', 'InvalidQueryOption', "The query option $top is not valid: '-1' is not a non-negative whole number"],
    [`PullRequests($top=${DEFAULT_PARSE_LIMITS.maxTop + 1})`, 'TopTooLarge', `exceeds the maximum of ${DEFAULT_PARSE_LIMITS.maxTop}`],
    ['PullRequests($count=yes)', 'InvalidExpand', '$count in PullRequests(…) must be true or false'],
    ['PullRequests($filter=Id eq)', 'InvalidFilter', 'The $filter expression is not valid'],
    ['PullRequests($orderby=Id add 1)', 'NotImplemented', 'Ordering by an expression'],
    ['PullRequests($select=Repository/Name)', 'InvalidSelect', 'only property names can be selected'],
  ];
  it.each(cases)('%j → %s', (text, code, fragment) => {
    expectODataError(() => parseExpand(text), code, fragment);
  });

  it('is bounded: the $filter length limit applies to the whole value, and the number of items is limited', () => {
    const limits = { ...DEFAULT_PARSE_LIMITS, maxFilterLength: 100 };
    expectODataError(() => parseExpand(`PullRequests($filter=Title eq '${'x'.repeat(100)}')`, limits), 'InvalidExpand', 'characters long; the limit is 100');
    const many = Array.from({ length: MAX_EXPAND_ITEMS + 1 }, (_, i) => `N${i}`).join(',');
    expectODataError(() => parseExpand(many), 'InvalidExpand', `it has ${MAX_EXPAND_ITEMS + 1} items; the limit is ${MAX_EXPAND_ITEMS}`);
    // Deep nesting inside a nested $filter meets the filter's own depth limit, not a stack overflow.
    const deep = `PullRequests($filter=${'('.repeat(10_000)}Id eq 1${')'.repeat(10_000)})`;
    expectODataError(() => parseExpand(deep, { ...DEFAULT_PARSE_LIMITS, maxFilterLength: 100_000 }), 'FilterTooDeep', 'the limit is 50');
  });
});

describe('validateExpand: against the model', () => {
  const set = (name: string) => {
    const found = model.entitySets.find((candidate) => candidate.name === name);
    if (!found) throw new Error(name);
    return found;
  };

  it('resolves each item to its navigation property and target set', () => {
    const single = validateExpand(parseExpand('Repository($select=Name)'), set('PullRequests'), model);
    expect(single.map((entry) => [entry.navigation.name, entry.navigation.collection, entry.target.name])).toEqual([['Repository', false, 'Repositories']]);
    const collection = validateExpand(parseExpand('PullRequests($top=1;$orderby=CreatedOn desc)'), set('Repositories'), model);
    expect(collection.map((entry) => [entry.navigation.name, entry.navigation.collection, entry.target.name])).toEqual([['PullRequests', true, 'PullRequests']]);
  });

  const refusals: Array<[string, string, ErrorCode, string]> = [
    ['PullRequests', 'Author', 'UnknownNavigationProperty', "'Author' is not a navigation property of PullRequest, so it cannot be expanded. Navigation properties: Repository."],
    ['PullRequests', 'repository', 'UnknownNavigationProperty', 'Navigation properties: Repository.'],
    ['Me', 'Repositories', 'UnknownNavigationProperty', 'Navigation properties: none.'],
    ['PullRequests', 'Repository($top=1)', 'InvalidExpand', 'Repository is a single entity, so $top cannot apply inside it; only $select can'],
    ['PullRequests', "Repository($filter=Name eq 'x';$count=true)", 'InvalidExpand', '$filter, $count cannot apply'],
    ['PullRequests', 'Repository($select=Title)', 'UnknownProperty', "Property 'Title' does not exist on Repository"],
    ['Repositories', "PullRequests($filter=Nope eq 1)", 'UnknownProperty', "Property 'Nope' does not exist on PullRequest"],
    ['Repositories', "PullRequests($filter=Id eq 'x')", 'TypeMismatch', ''],
    ['Repositories', 'PullRequests($orderby=Nope)', 'UnknownProperty', "'Nope' does not exist on PullRequest"],
  ];
  it.each(refusals)('%s?$expand=%s → %s', (setName, text, code, fragment) => {
    expectODataError(() => validateExpand(parseExpand(text), set(setName), model), code, fragment);
  });
});
