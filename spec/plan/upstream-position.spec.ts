/**
 * A row's upstream place (position in its stream, page location) is kept in one entry per row (issue #15.3: fewer
 * WeakMap entries for the garbage collector on long reads); recording one part keeps the other, and a copy of a row
 * has none.
 */
import type { Row } from '../../src/odata/ast';
import { commits } from '../../src/entity-sets/commits';
import { rowFromItem } from '../../src/plan/row-from-item';
import { compareUpstreamPositions, recordUpstream, recordUpstreamPage, recordUpstreamPosition, UPSTREAM_PLACE, upstreamPageOf, upstreamPositionOf } from '../../src/plan/upstream-position';

describe('upstream place of a row', () => {
  test('recordUpstream keeps the position and the page location together', () => {
    const row: Row = { Hash: 'a' };
    recordUpstream(row, 7, { target: '/repositories/w/r/commits?page=2', index: 3 });
    expect(upstreamPositionOf(row)).toBe(7);
    expect(upstreamPageOf(row)).toEqual({ target: '/repositories/w/r/commits?page=2', index: 3 });
  });

  test('either part may be absent', () => {
    const positioned: Row = { Hash: 'a' };
    const located: Row = { Hash: 'b' };
    const neither: Row = { Hash: 'c' };
    recordUpstream(positioned, 0, undefined);
    recordUpstream(located, undefined, { target: 't', index: 0 });
    recordUpstream(neither, undefined, undefined);
    expect([upstreamPositionOf(positioned), upstreamPageOf(positioned)]).toEqual([0, undefined]);
    expect([upstreamPositionOf(located), upstreamPageOf(located)]).toEqual([undefined, { target: 't', index: 0 }]);
    expect([upstreamPositionOf(neither), upstreamPageOf(neither)]).toEqual([undefined, undefined]);
  });

  test('recording one part later keeps the other (a cursor row shifts positions of rows already located)', () => {
    const row: Row = { Hash: 'a' };
    recordUpstream(row, 4, { target: 't', index: 1 });
    recordUpstreamPosition(row, 9);
    expect([upstreamPositionOf(row), upstreamPageOf(row)]).toEqual([9, { target: 't', index: 1 }]);
    const other: Row = { Hash: 'b' };
    recordUpstreamPosition(other, 2);
    recordUpstreamPage(other, { target: 'u', index: 0 });
    expect([upstreamPositionOf(other), upstreamPageOf(other)]).toEqual([2, { target: 'u', index: 0 }]);
  });

  test('a copy has no place, and ordering by position refuses a row without one', () => {
    const row: Row = { Hash: 'a' };
    recordUpstream(row, 1, { target: 't', index: 1 });
    const copy = { ...row };
    expect([upstreamPositionOf(copy), upstreamPageOf(copy)]).toEqual([undefined, undefined]);
    const located: Row = { Hash: 'b' };
    recordUpstream(located, undefined, { target: 't', index: 2 });
    expect(() => compareUpstreamPositions(row, located)).toThrow('has none');
    const later: Row = { Hash: 'c' };
    recordUpstream(later, 5, undefined);
    expect(compareUpstreamPositions(row, later)).toBeLessThan(0);
  });

  test('the place is kept beside the row: no key, symbol or serialized trace of it, and a clone has none', () => {
    const row: Row = { Hash: 'a', Date: '2024-01-01T00:00:00Z' };
    recordUpstream(row, 3, { target: 't', index: 2 });
    recordUpstream(row, 4, { target: 'u', index: 0 });
    expect(Reflect.ownKeys(row)).toEqual(['Hash', 'Date']);
    expect(JSON.stringify(row)).toBe('{"Hash":"a","Date":"2024-01-01T00:00:00Z"}');
    expect(row).toEqual({ Hash: 'a', Date: '2024-01-01T00:00:00Z' });
    expect([upstreamPositionOf(row), upstreamPageOf(row)]).toEqual([4, { target: 'u', index: 0 }]);
    const clone = structuredClone(row);
    expect([upstreamPositionOf(clone), upstreamPageOf(clone)]).toEqual([undefined, undefined]);
    expect(upstreamPositionOf(Object.freeze({ Hash: 'b' }))).toBeUndefined();
  });

  test("a row made from an item keeps its place in its own slot (no map entry), which copies tell apart, and which no key, JSON or serializer sees", () => {
    const item = { hash: 'a1', date: '2024-01-01T00:00:00+00:00', repository: { full_name: 'w/r' } };
    const row = rowFromItem(commits, item, { workspace: 'w', repo_slug: 'r' });
    const other = rowFromItem(commits, { hash: 'b2' }, { workspace: 'w', repo_slug: 'r' });
    expect(Object.prototype.hasOwnProperty.call(row, UPSTREAM_PLACE)).toBe(true);
    recordUpstream(row, 6, { target: 't', index: 5 });
    recordUpstreamPosition(other, 7);
    // The place is in the row's slot, not beside it.
    expect((row as Record<symbol, unknown>)[UPSTREAM_PLACE]).toBeDefined();
    expect([upstreamPositionOf(row), upstreamPageOf(row), upstreamPositionOf(other)]).toEqual([6, { target: 't', index: 5 }, 7]);
    expect(compareUpstreamPositions(row, other)).toBeLessThan(0);
    // A copy by spread carries the slot, not the place: it has none, and may be given its own.
    const copy = { ...row };
    expect([upstreamPositionOf(copy), upstreamPageOf(copy)]).toEqual([undefined, undefined]);
    recordUpstreamPosition(copy, 1);
    expect([upstreamPositionOf(copy), upstreamPositionOf(row)]).toEqual([1, 6]);
    expect(Object.keys(row)).toEqual(commits.properties.map((property) => property.name));
    expect(JSON.stringify(row)).toBe(JSON.stringify(Object.fromEntries(Object.entries(row))));
    expect(JSON.stringify(row)).not.toContain('upstream');
  });
});
