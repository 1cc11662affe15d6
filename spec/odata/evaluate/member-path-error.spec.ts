/**
 * Navigation in `$select` and member paths in `$filter`, as validateQuery answers them: a selected navigation
 * property is accepted (its link is the serializer's business), and a member path is 501 through a single-valued
 * navigation property (with the two ways to get the answer), 400 where it cannot mean anything.
 */
import type { ODataQuery } from '../../../src/odata/ast';
import type { EdmEntitySet } from '../../../src/odata/edm';
import { validateQuery } from '../../../src/odata/evaluate';
import { ODataError } from '../../../src/odata/errors';
import { parseFilter } from '../../../src/odata/parse';
import { items } from './fixtures';

const withNavigation: EdmEntitySet = {
  ...items,
  navigation: [
    { name: 'Owner', target: 'People', collection: false, constraints: { Id: 'Id' } },
    { name: 'Children', target: 'Items', collection: true, constraints: { ParentId: 'Id' } },
  ],
};

function query(options: Partial<ODataQuery>): ODataQuery {
  return { orderby: [], count: false, ...options };
}

function errorOf(action: () => void): ODataError | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof ODataError) return error;
    throw error;
  }
  return undefined;
}

describe('$select with navigation properties (Part 2 §5.1.3: the navigation link is represented)', () => {
  test.each([[['Id', 'Owner']], [['Owner']], [['Children', 'Title']], [['*', 'Owner']]])('%j is accepted', (select) => {
    expect(errorOf(() => validateQuery(query({ select }), withNavigation))).toBeUndefined();
  });

  test('an unknown name is still 400 UnknownProperty', () => {
    const error = errorOf(() => validateQuery(query({ select: ['Id', 'Ownr'] }), withNavigation));
    expect(error?.code).toBe('UnknownProperty');
    expect(error?.status).toBe(400);
  });
});

describe('member paths in $filter', () => {
  const cases: Array<[string, string, number, string, string]> = [
    [
      "Owner/Name eq 'x'",
      'NotImplemented',
      501,
      'Owner/Name',
      "Filtering on a property of the related Owner (Owner/Name) is not supported by this service. Expand it and filter in the client ($expand=Owner($select=Name)), or filter People ($filter=Name …) and follow its navigation to Items.",
    ],
    ["contains(Owner/Name,'a')", 'NotImplemented', 501, 'Owner/Name', 'Filtering on a property of the related Owner'],
    ["Owner/Address/City eq 'x'", 'NotImplemented', 501, 'Owner/Address/City', 'or filter People ($filter=Address/City …)'],
    ['Children/$count gt 1', 'NotImplemented', 501, 'Children/$count', 'Expand the count ($expand=Children($count=true;$top=0))'],
    ["Children/Title eq 'x'", 'InvalidFilter', 400, 'Children/Title', 'Children is a collection of Items, so it has no single Title to compare'],
    ['Title/Length eq 1', 'InvalidFilter', 400, 'Title/Length', "'Title/Length': Title is an Edm.String value, and a path continues only after a navigation property (here: Owner, Children)"],
    ['Nope/X eq 1', 'UnknownProperty', 400, 'Nope', "Property 'Nope' does not exist on Item."],
  ];
  test.each(cases)('%s → %s', (filter, code, status, target, message) => {
    const error = errorOf(() => validateQuery(query({ filter: parseFilter(filter) }), withNavigation));
    expect(error?.code).toBe(code);
    expect(error?.status).toBe(status);
    expect(error?.target).toBe(target);
    expect(error?.message).toContain(message);
  });
});
