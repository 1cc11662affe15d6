/** The reference pipeline: $search, $filter, $count, $orderby, $skip, $top, $select (OData 4.01 Part 1 §11.2.1). */
import type { ODataQuery } from '../../../src/odata/ast';
import { evaluateQuery } from '../../../src/odata/evaluate';
import { eq, gt, int, items, NOW, prop, rows, str } from './fixtures';

function query(options: Partial<ODataQuery>): ODataQuery {
  return { orderby: [], count: false, ...options };
}

const context = { now: NOW, searchable: ['Title', 'State'] };

describe('evaluateQuery', () => {
  it('filters, counts before paging, orders, skips, tops and projects', () => {
    const result = evaluateQuery(
      rows,
      query({
        filter: eq(prop('State'), str('OPEN')),
        orderby: [{ property: 'Score', direction: 'desc' }],
        skip: 1,
        top: 3,
        count: true,
        select: ['Id', 'Score'],
      }),
      items,
      context,
    );
    // OPEN rows by Score desc: 9 (4), 8 (3), 5 (2.5), 1 (1.5), 7 (-0.5), 3 (null last).
    expect(result).toEqual({
      count: 6,
      rows: [
        { Id: 8, Score: 3 },
        { Id: 5, Score: 2.5 },
        { Id: 1, Score: 1.5 },
      ],
    });
  });

  it('applies $skip before $top and orders by the key when no $orderby is given', () => {
    const result = evaluateQuery(rows, query({ top: 2, skip: 8, select: ['Id'] }), items, context);
    expect(result).toEqual({ rows: [{ Id: 9 }, { Id: 10 }] });
  });

  it('returns no count unless $count=true, and an empty page past the end', () => {
    expect(evaluateQuery(rows, query({ skip: 50 }), items, context)).toEqual({ rows: [] });
    expect(evaluateQuery(rows, query({ skip: 50, count: true }), items, context)).toEqual({ rows: [], count: 10 });
  });

  it('keeps only rows that satisfy both $search and $filter', () => {
    const result = evaluateQuery(
      rows,
      query({ search: 'abc', filter: gt(prop('Id'), int(1)), select: ['Id'], count: true }),
      items,
      context,
    );
    expect(result).toEqual({ rows: [{ Id: 2 }, { Id: 10 }], count: 2 });
  });

  it('searches every Edm.String property when the context names none', () => {
    const result = evaluateQuery(rows, query({ search: 'declined', select: ['Id'] }), items, { now: NOW });
    expect(result.rows).toEqual([{ Id: 4 }]);
  });

  it('accepts any iterable and does not modify the input rows', () => {
    const before = JSON.stringify(rows);
    function* generate() {
      yield* rows;
    }
    const result = evaluateQuery(generate(), query({ orderby: [{ property: 'Title', direction: 'asc' }] }), items, context);
    expect(result.rows.map((row) => row.Id)).toEqual([3, 4, 8, 2, 9, 1, 10, 5, 7, 6]);
    expect(JSON.stringify(rows)).toBe(before);
  });

  it('validates the query first', () => {
    expect(() => evaluateQuery(rows, query({ select: ['Nope'] }), items, context)).toThrow(
      /Property 'Nope' does not exist on Item/,
    );
  });
});
