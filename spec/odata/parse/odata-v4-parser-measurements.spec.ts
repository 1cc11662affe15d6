/**
 * Evidence for why src/odata/parse does not use the `odata-v4-parser` package (0.1.29, installed): its behaviour on
 * the inputs that decided it, pinned so that an upgrade that fixes them shows up here. The gateway's parser
 * (parse-filter.ts) handles every row; this spec is the only place that imports the library.
 */
import { filter as libraryFilter } from 'odata-v4-parser';
import { parseFilter } from '../../../src/odata/parse';

function libraryAccepts(text: string): boolean | 'stack overflow' {
  try {
    libraryFilter(text);
    return true;
  } catch (error) {
    return error instanceof RangeError ? 'stack overflow' : false;
  }
}

describe('odata-v4-parser 0.1.29, measured', () => {
  const rows: Array<[string, string, boolean | 'stack overflow']> = [
    ['4.0 functions and escapes', "contains(Title,'a''bc')", true],
    ['unquoted DateTimeOffset (what Power Query sends)', 'CreatedOn gt 2024-01-01T00:00:00Z', true],
    ['4.01 in operator', "State in ('OPEN','MERGED')", false],
    ['4.01 divby', 'Price divby 2 eq 1', false],
    ['a double quote inside a string literal', `Title eq 'say "hi"'`, false],
    ['a percent sign inside a string literal', "Title eq '100%'", false],
    ['leading or trailing whitespace', " Title eq 'x' ", false],
    ['5,000 nested parentheses', `${'('.repeat(5000)}true${')'.repeat(5000)}`, 'stack overflow'],
  ];
  it.each(rows)('%s', (_label, text, expected) => {
    expect(libraryAccepts(text)).toBe(expected);
  });

  it('our parser answers every row without crashing', () => {
    for (const [, text] of rows.slice(0, -1)) expect(() => parseFilter(text)).not.toThrow();
  });
});
