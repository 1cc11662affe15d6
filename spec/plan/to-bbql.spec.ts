/**
 * toBbql on date-time literals: Bitbucket documents milliseconds, so a literal with digits beyond the millisecond
 * goes up as the millisecond bound that keeps the pushed set a superset (never exact: the residual decides), and a
 * literal at a whole millisecond goes up exactly as before.
 */
import { parseQueryOptions } from '../../src/odata/parse';
import { findDefinition } from '../../src/entity-sets/registry';
import type { EntitySetDefinition } from '../../src/entity-sets/model';
import { toBbql } from '../../src/plan/to-bbql';
import { millisecondBounds } from '../../src/plan/millisecond-bounds';

const pullRequests = findDefinition('PullRequests') as EntitySetDefinition;

const rows: Array<{ filter: string; q: string | undefined; exact: boolean }> = [
  // Digits beyond the millisecond: widened to the millisecond, inclusive, not exact.
  { filter: 'CreatedOn lt 2024-01-01T00:00:00.0001234Z', q: 'created_on <= 2024-01-01T00:00:00.001+00:00', exact: false },
  { filter: 'CreatedOn le 2024-01-01T00:00:00.0001234Z', q: 'created_on <= 2024-01-01T00:00:00.001+00:00', exact: false },
  { filter: 'CreatedOn gt 2024-01-01T00:00:00.0001234Z', q: 'created_on >= 2024-01-01T00:00:00.000+00:00', exact: false },
  { filter: 'CreatedOn ge 2024-01-01T00:00:00.0001234Z', q: 'created_on >= 2024-01-01T00:00:00.000+00:00', exact: false },
  { filter: 'CreatedOn ge 2024-01-01T00:00:00.123456Z', q: 'created_on >= 2024-01-01T00:00:00.123+00:00', exact: false },
  { filter: 'CreatedOn le 2024-01-01T00:00:00.123456Z', q: 'created_on <= 2024-01-01T00:00:00.124+00:00', exact: false },
  // The ceiling carries into the next second, minute, day and year.
  { filter: 'CreatedOn lt 2023-12-31T23:59:59.9995Z', q: 'created_on <= 2024-01-01T00:00:00.000+00:00', exact: false },
  // An offset is kept on the floor; the ceiling is the same instant in UTC.
  { filter: 'UpdatedOn gt 2024-06-01T12:00:00.5000001+02:00', q: 'updated_on >= 2024-06-01T12:00:00.500+02:00', exact: false },
  { filter: 'UpdatedOn lt 2024-06-01T12:00:00.5000001+02:00', q: 'updated_on <= 2024-06-01T10:00:00.501+00:00', exact: false },
  // Before 1970 the fraction still counts forward from the whole second.
  { filter: 'CreatedOn gt 1969-12-31T23:59:59.0000001Z', q: 'created_on >= 1969-12-31T23:59:59.000+00:00', exact: false },
  { filter: 'CreatedOn lt 1969-12-31T23:59:59.0000001Z', q: 'created_on <= 1969-12-31T23:59:59.001+00:00', exact: false },
  // `eq` is not pushed on created_on (the declaration does not list it) whatever the literal; a widened `ne` never.
  { filter: 'CreatedOn eq 2024-01-01T00:00:00.0001234Z', q: undefined, exact: false },
  { filter: 'CreatedOn ne 2024-01-01T00:00:00.0001234Z', q: undefined, exact: false },
  // At a whole millisecond, or only zeros beyond it: exact, as before (trailing zeros beyond the millisecond dropped).
  { filter: 'CreatedOn lt 2024-05-01T10:00:00.5Z', q: 'created_on < 2024-05-01T10:00:00.5+00:00', exact: true },
  { filter: 'CreatedOn lt 2024-05-01T10:00:00.123000Z', q: 'created_on < 2024-05-01T10:00:00.123+00:00', exact: true },
  { filter: 'CreatedOn gt 2024-05-01T10:00:00.1230000000Z', q: 'created_on > 2024-05-01T10:00:00.123+00:00', exact: true },
  { filter: 'CreatedOn ge 2024-05-01T10:00:00Z', q: 'created_on >= 2024-05-01T10:00:00+00:00', exact: true },
  // A mirrored comparison is widened on its own side: `lit gt P` is `P lt lit`.
  { filter: '2024-01-01T00:00:00.0001234Z gt CreatedOn', q: 'created_on <= 2024-01-01T00:00:00.001+00:00', exact: false },
  // Beside an exact conjunct, the whole translation is no longer exact.
  { filter: "State eq 'OPEN' and CreatedOn lt 2024-01-01T00:00:00.0001234Z", q: 'state = "OPEN" AND created_on <= 2024-01-01T00:00:00.001+00:00', exact: false },
  { filter: 'CreatedOn lt 2024-01-01T00:00:00.0001234Z or CreatedOn gt 2025-01-01T00:00:00Z', q: '(created_on <= 2024-01-01T00:00:00.001+00:00 OR created_on > 2025-01-01T00:00:00+00:00)', exact: false },
];

describe('toBbql: date-time literals are cut to Bitbucket’s milliseconds, widening', () => {
  test.each(rows.map((row) => [row.filter, row] as const))('%s', (_name, row) => {
    const filter = parseQueryOptions(`$filter=${encodeURIComponent(row.filter)}`).filter;
    const { q, exact } = toBbql(pullRequests, filter);
    expect({ q, exact }).toEqual({ q: row.q, exact: row.exact });
  });
});

/** PullRequests as if `CreatedOn` declared `eq` exact too (no set declares `eq` on a date-time today). */
const withDateEquality: EntitySetDefinition = {
  ...pullRequests,
  properties: pullRequests.properties.map((property) =>
    property.name === 'CreatedOn' && property.filter ? { ...property, filter: { ...property.filter, exact: [...property.filter.exact, 'eq'] } } : property,
  ),
};

describe('toBbql: `eq` on a date-time that declares it', () => {
  test.each([
    ['CreatedOn eq 2024-01-01T00:00:00.0001234Z', '(created_on >= 2024-01-01T00:00:00.000+00:00 AND created_on <= 2024-01-01T00:00:00.001+00:00)', false],
    ['CreatedOn eq 2024-01-01T00:00:00.123Z', 'created_on = 2024-01-01T00:00:00.123+00:00', true],
  ] as const)('%s', (text, q, exact) => {
    const translation = toBbql(withDateEquality, parseQueryOptions(`$filter=${encodeURIComponent(text)}`).filter);
    expect({ q: translation.q, exact: translation.exact }).toEqual({ q, exact });
  });
});

describe('millisecondBounds', () => {
  test.each([
    ['2024-01-01T00:00:00Z', { floor: '2024-01-01T00:00:00Z', ceil: '2024-01-01T00:00:00Z', widened: false }],
    ['2024-01-01T00:00Z', { floor: '2024-01-01T00:00Z', ceil: '2024-01-01T00:00Z', widened: false }],
    ['2024-01-01T00:00:00.999999Z', { floor: '2024-01-01T00:00:00.999Z', ceil: '2024-01-01T00:00:01.000Z', widened: true }],
    ['2024-01-01T00:00:00.000000000001Z', { floor: '2024-01-01T00:00:00.000Z', ceil: '2024-01-01T00:00:00.001Z', widened: true }],
  ])('%s', (value, bounds) => {
    expect(millisecondBounds(value)).toEqual(bounds);
  });
  test('text that is not an ISO date-time has no bounds', () => {
    expect(millisecondBounds('yesterday')).toBeUndefined();
    expect(millisecondBounds('2024-01-01T00:00:60.0001Z')).toBeUndefined();
  });
});

describe('toBbql: comparisons with null', () => {
  test.each([
    // Equality with null has a BBQL form.
    ['MergeCommitHash eq null', undefined],
    ['Id eq null', 'id = null'],
    ['Id ne null', 'id != null'],
    // An order comparison with null has none (Bitbucket answers 400 to `id >= null`): it stays here.
    ['Id ge null', undefined],
    ['Id le null', undefined],
    ['Id gt null', undefined],
    ['null lt Id', undefined],
    ['CreatedOn le null', undefined],
    ["State eq 'OPEN' and Id ge null", 'state = "OPEN"'],
  ] as const)('%s', (text, q) => {
    expect(toBbql(pullRequests, parseQueryOptions(`$filter=${encodeURIComponent(text)}`).filter).q).toBe(q);
  });
});
