import { projectRow } from '../../../src/odata/evaluate';
import { rows } from './fixtures';

describe('projectRow', () => {
  const row = rows[0];

  it('returns only the selected properties, in request order, without adding the key', () => {
    const projected = projectRow(row, ['Title', 'State'], ['Id']);
    expect(projected).toEqual({ Title: 'abc', State: 'OPEN' });
    expect(Object.keys(projected)).toEqual(['Title', 'State']);
  });

  it('keeps a selected null as null', () => {
    expect(projectRow(rows[2], ['Title'], ['Id'])).toEqual({ Title: null });
  });

  it.each([[undefined], [['*']], [['Title', '*']]])('keeps every property for $select=%p', (select) => {
    const projected = projectRow(row, select, ['Id']);
    expect(projected).toEqual(row);
    expect(projected).not.toBe(row);
  });
});
