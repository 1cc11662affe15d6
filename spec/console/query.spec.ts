/**
 * The console's query builder (console/src/query.ts) and plan reader (console/src/plan-words.ts) as tables: what the
 * dropdowns produce as OData, awkward literals included, and what a plan header reads as.
 */
import type { Column } from '../../console/src/odata-model';
import { parsePlanHeader, planInWords } from '../../console/src/plan-words';
import { filterOf, literal, odataUrl, operatorsFor, type ExploreQuery } from '../../console/src/query';

const column = (name: string, type: string): Column => ({ name, type, nullable: true });
const COLUMNS = [column('Title', 'Edm.String'), column('Id', 'Edm.Int32'), column('Draft', 'Edm.Boolean'), column('CreatedOn', 'Edm.DateTimeOffset'), column('Day', 'Edm.Date')];
const byName = (name: string) => COLUMNS.find((candidate) => candidate.name === name) as Column;

describe('literal: a typed value → an OData literal of the column type', () => {
  test.each([
    ['Title', 'abc', "'abc'"],
    ['Title', "a'bc", "'a''bc'"],
    ['Title', "''", "''''''"],
    ['Title', 'a"b\\c', `'a"b\\c'`],
    ['Title', 'Übersetzung 日本', "'Übersetzung 日本'"],
    ['Title', '', "''"],
    ['Title', 'null', 'null'],
    ['Id', ' 42 ', '42'],
    ['Id', '-1.5e3', '-1.5e3'],
    ['Draft', 'true', 'true'],
    ['CreatedOn', '2024-01-31', '2024-01-31T00:00:00Z'],
    ['CreatedOn', '2024-01-31T10:00:00+02:00', '2024-01-31T10:00:00+02:00'],
    ['Day', '2024-01-31', '2024-01-31'],
  ])('%s %j → %s', (name, value, expected) => {
    expect(literal(byName(name), value)).toBe(expected);
  });

  test.each([
    ['Id', 'seven', "Id is a number, not 'seven'."],
    ['Draft', 'yes', "Draft is true or false, not 'yes'."],
    ['CreatedOn', 'yesterday', "CreatedOn is a date and time like 2024-01-31T00:00:00Z, not 'yesterday'."],
  ])('%s %j is refused saying what to type', (name, value, message) => {
    expect(() => literal(byName(name), value)).toThrow(message);
  });
});

test('operators offered per type', () => {
  expect(operatorsFor('Edm.String')).toEqual(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'contains', 'startswith', 'endswith']);
  expect(operatorsFor('Edm.Boolean')).toEqual(['eq', 'ne']);
  expect(operatorsFor('Edm.Int32')).toEqual(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
});

test('conditions are ANDed; functions take the column first', () => {
  expect(
    filterOf(
      [
        { property: 'Title', operator: 'contains', value: "it's" },
        { property: 'Id', operator: 'gt', value: '5' },
      ],
      COLUMNS,
    ),
  ).toBe("contains(Title,'it''s') and Id gt 5");
  expect(filterOf([], COLUMNS)).toBeUndefined();
});

describe('odataUrl', () => {
  test.each<[ExploreQuery, string]>([
    [{ entitySet: 'PullRequests', select: [], conditions: [], count: false }, 'http://h/odata/PullRequests'],
    [
      { entitySet: 'PullRequests', select: ['Id', 'Title'], conditions: [{ property: 'Title', operator: 'eq', value: 'a&b=c #1' }], orderBy: { property: 'Id', direction: 'desc' }, top: 5, count: true },
      "http://h/odata/PullRequests?$select=Id,Title&$filter=Title%20eq%20'a%26b%3Dc%20%231'&$orderby=Id%20desc&$top=5&$count=true",
    ],
    [
      { entitySet: 'PullRequests', select: [], conditions: [{ property: 'Id', operator: 'eq', value: '1' }], filterText: "CreatedOn ge 2024-01-01T00:00:00+01:00", count: false },
      'http://h/odata/PullRequests?$filter=CreatedOn%20ge%202024-01-01T00:00:00%2B01:00',
    ],
  ])('%j', (query, expected) => {
    expect(odataUrl('http://h/odata/', query, COLUMNS)).toBe(expected);
    // The URL means what it shows: decoding it gives the options back.
    const parsed = new URL(expected);
    if (query.filterText) expect(parsed.searchParams.get('$filter')).toBe(query.filterText);
  });
});

describe('plan words', () => {
  test('a header → sentences about Bitbucket and about here', () => {
    const [plan] = parsePlanHeader(
      JSON.stringify([{ entitySet: 'PullRequests', route: 'list', path: '/repositories/acme-dev/{repo_slug}/pullrequests', fixed: { workspace: ['acme-dev'] }, fanOut: ['repo_slug'], q: 'state = "OPEN"', qExact: true, sort: '-created_on', evaluatedHere: ['$top=5: counted here'] }]),
    );
    expect(planInWords(plan as NonNullable<typeof plan>)).toEqual({
      title: 'PullRequests',
      upstream: [
        'GET /repositories/acme-dev/{repo_slug}/pullrequests (a list)',
        'repo_slug not given: read for every one you can see (a fan-out)',
        'q=state = "OPEN" (exact)',
        'sort=-created_on',
        "no fields: Bitbucket's full representation",
      ],
      here: ['$top=5: counted here'],
    });
  });

  test.each([[null], [''], ['not json'], ['{"a":1}'], ['[{"entitySet":1}]']])('an absent or unreadable header %j is no plans', (header) => {
    expect(parsePlanHeader(header)).toEqual([]);
  });
});
