/** $orderby order as data: [orderby, expected ids]; the entity key (Id) always breaks ties ascending. */
import type { OrderByItem } from '../../../src/odata/ast';
import { compareRows } from '../../../src/odata/evaluate';
import { items, rows } from './fixtures';

const asc = (property: string): OrderByItem => ({ property, direction: 'asc' });
const desc = (property: string): OrderByItem => ({ property, direction: 'desc' });

function order(orderby: OrderByItem[], key = ['Id']): number[] {
  return [...rows].sort(compareRows(orderby, key, items)).map((row) => row.Id as number);
}

describe('compareRows', () => {
  it.each<[string, OrderByItem[], number[]]>([
    ['no $orderby: the key', [], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
    [
      'Title asc: null first, then ordinal by code point (space < A < O < a < Ü < ｚ < 😀)',
      [asc('Title')],
      [3, 4, 8, 2, 9, 1, 10, 5, 7, 6],
    ],
    ['Title desc: null last', [desc('Title')], [6, 7, 5, 10, 1, 9, 2, 8, 4, 3]],
    [
      'CreatedOn asc: by instant across offsets, microsecond ties broken by Id',
      [asc('CreatedOn')],
      [3, 5, 7, 8, 1, 4, 6, 9, 2, 10],
    ],
    ['CreatedOn desc: ties still by Id ascending', [desc('CreatedOn')], [10, 2, 1, 4, 6, 9, 8, 7, 5, 3]],
    ['State asc, Score desc', [asc('State'), desc('Score')], [4, 6, 2, 9, 8, 5, 1, 7, 3, 10]],
    ['IsOpen asc: null, false, true', [asc('IsOpen')], [3, 2, 5, 7, 9, 1, 4, 6, 8, 10]],
    ['Uuid asc: Guids equal regardless of case', [asc('Uuid')], [3, 5, 6, 7, 8, 9, 10, 1, 2, 4]],
    ['DueDate asc', [asc('DueDate')], [3, 7, 4, 1, 5, 6, 9, 10, 2, 8]],
    ['StartTime asc', [asc('StartTime')], [3, 5, 6, 7, 8, 9, 10, 4, 1, 2]],
    ['Elapsed desc', [desc('Elapsed')], [2, 1, 4, 3, 5, 6, 7, 8, 9, 10]],
    ['Id desc: the key is not appended twice', [desc('Id')], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]],
    ['Score asc (negative, zero, null)', [asc('Score')], [3, 2, 7, 4, 1, 5, 8, 9, 10, 6]],
  ])('%s', (_what, orderby, expected) => {
    expect(order(orderby)).toEqual(expected);
  });

  it('appends every part of a composite key', () => {
    expect(order([], ['State', 'Id'])).toEqual([4, 2, 6, 1, 3, 5, 7, 8, 9, 10]);
  });

  it('is a total order: any input order gives the same result', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const comparator = compareRows([asc('State'), desc('CreatedOn')], ['Id'], items);
    const expected = [...rows].sort(comparator).map((row) => row.Id);
    for (let round = 0; round < 20; round++) {
      const shuffled = [...rows].sort(() => random() - 0.5);
      expect(shuffled.sort(comparator).map((row) => row.Id)).toEqual(expected);
    }
  });

  it('rejects an unknown property', () => {
    expect(() => compareRows([asc('Nope')], ['Id'], items)).toThrow(/Property 'Nope' does not exist on Item/);
  });
});
