/** validateQuery: unknown properties, type errors and duplicate $orderby, pinned by code, status, target and message. */
import type { Expr, ODataQuery } from '../../../src/odata/ast';
import { inferType, validateQuery } from '../../../src/odata/evaluate';
import { ODataError } from '../../../src/odata/errors';
import {
  NULL,
  and,
  arith,
  bool,
  call,
  date,
  dbl,
  dto,
  dur,
  eq,
  gt,
  guid,
  int,
  isIn,
  items,
  lt,
  neg,
  not,
  prop,
  str,
} from './fixtures';

const AVAILABLE =
  'Id, Title, State, Score, Amount, Big, IsOpen, CreatedOn, DueDate, Uuid, StartTime, Elapsed';

function query(options: Partial<ODataQuery>): ODataQuery {
  return { orderby: [], count: false, ...options };
}

function errorOf(action: () => void): ODataError {
  try {
    action();
  } catch (error) {
    if (error instanceof ODataError) return error;
    throw error;
  }
  throw new Error('expected an ODataError');
}

describe('validateQuery', () => {
  describe('unknown properties → 400 UnknownProperty naming the property and listing the available ones', () => {
    it.each<[string, ODataQuery, string]>([
      ['in $filter', query({ filter: eq(prop('Nope'), int(1)) }), 'Nope'],
      ['deep in $filter', query({ filter: and(bool(true), call('contains', prop('Descr'), str('x'))) }), 'Descr'],
      ['in $orderby', query({ orderby: [{ property: 'Created', direction: 'asc' }] }), 'Created'],
      ['in $select', query({ select: ['Id', 'Name'] }), 'Name'],
    ])('%s', (_where, q, property) => {
      const error = errorOf(() => validateQuery(q, items));
      expect(error.code).toBe('UnknownProperty');
      expect(error.status).toBe(400);
      expect(error.target).toBe(property);
      expect(error.message).toBe(`Property '${property}' does not exist on Item. Available properties: ${AVAILABLE}.`);
    });

    it('points at the right spelling when only the case differs', () => {
      const error = errorOf(() => validateQuery(query({ select: ['title'] }), items));
      expect(error.details).toEqual([
        { code: 'UnknownProperty', message: "Did you mean 'Title'? Property names are case-sensitive.", target: 'title' },
      ]);
    });
  });

  describe('type errors → 400 TypeMismatch saying what was expected and what was given', () => {
    it.each<[string, Expr, string, string]>([
      [
        "Id eq 'abc'",
        eq(prop('Id'), str('abc')),
        'Id',
        "The operator 'eq' cannot compare Id (Edm.Int32) with 'abc' (Edm.String). Compare Id with a number such as 42.",
      ],
      [
        "'abc' eq Id (literal first)",
        eq(str('abc'), prop('Id')),
        'Id',
        "The operator 'eq' cannot compare 'abc' (Edm.String) with Id (Edm.Int32). Compare Id with a number such as 42.",
      ],
      [
        'State gt 5',
        gt(prop('State'), int(5)),
        'State',
        "The operator 'gt' cannot compare State (Edm.String) with 5 (Edm.Int32). " +
          "Compare State with a string in single quotes such as 'text'.",
      ],
      [
        "contains(Id,'1')",
        call('contains', prop('Id'), str('1')),
        'Id',
        'The function contains expects Edm.String as argument 1, but got Id (Edm.Int32).',
      ],
      [
        'year(Title) eq 2024',
        eq(call('year', prop('Title')), int(2024)),
        'Title',
        'The function year expects Edm.DateTimeOffset or Edm.Date as argument 1, but got Title (Edm.String).',
      ],
      [
        "substring(Title,'1') eq 'x'",
        eq(call('substring', prop('Title'), str('1')), str('x')),
        '$filter',
        "The function substring expects an integer (Edm.Int32 or Edm.Int64) as argument 2, but got '1' (Edm.String).",
      ],
      [
        'Title add 1 eq 2',
        eq(arith('add', prop('Title'), int(1)), int(2)),
        'Title',
        "The operator 'add' expects numeric operands (or a date/time and an Edm.Duration), but got Title (Edm.String).",
      ],
      [
        'Score mul CreatedOn eq 1',
        eq(arith('mul', prop('Score'), prop('CreatedOn')), int(1)),
        'CreatedOn',
        "The operator 'mul' expects numeric operands, but got CreatedOn (Edm.DateTimeOffset).",
      ],
      [
        '-Title eq 1',
        eq(neg(prop('Title')), int(1)),
        'Title',
        "The negation operator '-' expects a number or an Edm.Duration, but got Title (Edm.String).",
      ],
      [
        "Title and IsOpen",
        and(prop('Title'), prop('IsOpen')),
        'Title',
        "The operator 'and' expects Edm.Boolean operands, but got Title (Edm.String). " +
          "Use a comparison such as Title eq 'text'.",
      ],
      [
        'not Score',
        not(prop('Score')),
        'Score',
        "The operator 'not' expects Edm.Boolean operands, but got Score (Edm.Double). " +
          'Use a comparison such as Score eq 42.',
      ],
      [
        "Id in (1,'2')",
        isIn(prop('Id'), int(1), str('2')),
        'Id',
        "The operator 'in' compares Id (Edm.Int32) with each list item, but got '2' (Edm.String). " +
          'Use a number such as 42 for every item.',
      ],
      [
        "Uuid eq '0123…' (a Guid is not a string)",
        eq(prop('Uuid'), str('0123abcd-89ab-cdef-0123-456789abcdef')),
        'Uuid',
        "The operator 'eq' cannot compare Uuid (Edm.Guid) with '0123abcd-89ab-cdef-0123-456789abcdef' (Edm.String). " +
          'Compare Uuid with a GUID such as 01234567-89ab-cdef-0123-456789abcdef (no quotes).',
      ],
      [
        "CreatedOn gt '2024-01-01' (no implicit string conversion)",
        gt(prop('CreatedOn'), str('2024-01-01')),
        'CreatedOn',
        "The operator 'gt' cannot compare CreatedOn (Edm.DateTimeOffset) with '2024-01-01' (Edm.String). " +
          'Compare CreatedOn with a date-time such as 2024-05-18T09:29:47Z (no quotes).',
      ],
      [
        '$filter=Title (not Boolean)',
        prop('Title'),
        'Title',
        "The $filter expression must be Edm.Boolean, but got Title (Edm.String). Compare it with a value, e.g. $filter=Title eq 'text'.",
      ],
      [
        '$filter=Id add 1 (not Boolean)',
        arith('add', prop('Id'), int(1)),
        '$filter',
        'The $filter expression must be Edm.Boolean, but got Id add 1 (Edm.Int32). Compare it with a value, e.g. $filter=Id add 1 eq 42.',
      ],
    ])('%s', (_what, filter, target, message) => {
      const error = errorOf(() => validateQuery(query({ filter }), items));
      expect(error.code).toBe('TypeMismatch');
      expect(error.status).toBe(400);
      expect(error.target).toBe(target);
      expect(error.message).toBe(message);
    });
  });

  describe('accepted combinations', () => {
    it.each<[string, Expr]>([
      ['Id eq 5.5 (numeric promotion Int32/Double)', eq(prop('Id'), dbl(5.5))],
      ['Big lt Amount (Int64/Decimal)', lt(prop('Big'), prop('Amount'))],
      ['CreatedOn gt 2024-01-01 (DateTimeOffset vs Date)', gt(prop('CreatedOn'), date('2024-01-01'))],
      ['DueDate lt CreatedOn', lt(prop('DueDate'), prop('CreatedOn'))],
      ['Title eq null', eq(prop('Title'), NULL)],
      ['null eq Id', eq(NULL, prop('Id'))],
      ['IsOpen and null', and(prop('IsOpen'), NULL)],
      ['$filter=null', NULL],
      ['Uuid eq 0123ABCD-… (Guid literal)', eq(prop('Uuid'), guid('0123ABCD-89AB-CDEF-0123-456789ABCDEF'))],
      ["CreatedOn sub duration'P1D' lt now()", lt(arith('sub', prop('CreatedOn'), dur('P1D')), call('now'))],
      ['round(Id) eq 1 (integers promote to Decimal)', eq(call('round', prop('Id')), int(1))],
      ['IsOpen eq (Id gt 1)', eq(prop('IsOpen'), gt(prop('Id'), int(1)))],
      ['contains(Title,null)', call('contains', prop('Title'), NULL)],
    ])('%s', (_what, filter) => {
      expect(() => validateQuery(query({ filter }), items)).not.toThrow();
    });
  });

  it('rejects a wrong number of function arguments with 400 InvalidFilter', () => {
    const error = errorOf(() => validateQuery(query({ filter: eq(call('substring', prop('Title')), str('x')) }), items));
    expect(error.code).toBe('InvalidFilter');
    expect(error.message).toBe(
      'The $filter expression is not valid: the function substring takes 2 or 3 argument(s), but substring(Title) gives 1.',
    );
  });

  it('answers multiplying a duration with 501 NotImplemented', () => {
    const error = errorOf(() =>
      validateQuery(query({ filter: eq(arith('mul', prop('Elapsed'), int(2)), dur('PT2H')) }), items),
    );
    expect(error.code).toBe('NotImplemented');
    expect(error.status).toBe(501);
  });

  it('rejects a property ordered twice with 400 InvalidOrderBy', () => {
    const error = errorOf(() =>
      validateQuery(
        query({
          orderby: [
            { property: 'Title', direction: 'asc' },
            { property: 'Id', direction: 'asc' },
            { property: 'Title', direction: 'desc' },
          ],
        }),
        items,
      ),
    );
    expect(error.code).toBe('InvalidOrderBy');
    expect(error.target).toBe('Title');
    expect(error.message).toBe(
      "The $orderby option is not valid: the property 'Title' appears more than once; list each property once.",
    );
  });

  it('accepts $select=* and a plain valid query', () => {
    expect(() =>
      validateQuery(
        query({ select: ['*'], orderby: [{ property: 'CreatedOn', direction: 'desc' }], filter: eq(prop('Id'), int(1)) }),
        items,
      ),
    ).not.toThrow();
  });

  it('exposes inferType for other stages', () => {
    expect(inferType(arith('div', prop('Id'), int(2)), items)).toBe('Edm.Int32');
    expect(inferType(arith('divby', prop('Id'), int(2)), items)).toBe('Edm.Decimal');
    expect(inferType(arith('add', prop('Big'), prop('Score')), items)).toBe('Edm.Double');
    expect(inferType(arith('sub', prop('CreatedOn'), dto('2024-01-01T00:00:00Z')), items)).toBe('Edm.Duration');
    expect(inferType(call('date', prop('CreatedOn')), items)).toBe('Edm.Date');
    expect(inferType(call('round', prop('Score')), items)).toBe('Edm.Double');
    expect(inferType(NULL, items)).toBe('null');
  });
});
