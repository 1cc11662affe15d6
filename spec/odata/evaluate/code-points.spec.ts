import { compareCodePoints } from '../../../src/odata/evaluate';
import {
  codePointIndexOf,
  codePointLength,
  codePointSubstring,
  trimUnicodeWhitespace,
} from '../../../src/odata/evaluate/code-points';

describe('code-point string operations', () => {
  it.each<[string, string, number]>([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['abc', 'abc', 0],
    ['ab', 'abc', -1],
    ['ABC', 'abc', -1],
    ['ｚ', '😀', -1], // U+FF5A < U+1F600, although UTF-16 puts 0xD83D before 0xFF5A
    ['😀', '\uFFFF', 1],
    ['😀', '😁', -1],
    ['\uE000', '𐀀', -1],
  ])('compareCodePoints(%p, %p) has sign %p', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });

  it('agrees with comparing arrays of code points', () => {
    const samples = ['', 'a', 'A', 'ｚ', '😀', '😀a', 'a😀', '\uFFFD', '\uE000', '𐀀', '\u00e9', 'e\u0301', 'ab', 'abc'];
    const byCodePoints = (a: string, b: string) => {
      const x = Array.from(a, (c) => c.codePointAt(0) as number);
      const y = Array.from(b, (c) => c.codePointAt(0) as number);
      for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
      return Math.sign(x.length - y.length);
    };
    for (const a of samples) for (const b of samples) expect(Math.sign(compareCodePoints(a, b))).toBe(byCodePoints(a, b));
  });

  it.each<[string, number]>([
    ['', 0],
    ['abc', 3],
    ['😀', 1],
    ['a😀b', 3],
    ['e\u0301', 2], // e + combining acute: two code points
  ])('codePointLength(%p) = %p', (text, length) => {
    expect(codePointLength(text)).toBe(length);
  });

  it.each<[string, string, number]>([
    ['abc', 'c', 2],
    ['😀😀x', 'x', 2],
    ['abc', 'z', -1],
    ['abc', '', 0],
  ])('codePointIndexOf(%p, %p) = %p', (text, search, index) => {
    expect(codePointIndexOf(text, search)).toBe(index);
  });

  it.each<[string, number, number | undefined, string]>([
    ['abcdef', 2, undefined, 'cdef'],
    ['abcdef', 2, 2, 'cd'],
    ['abcdef', 6, undefined, ''],
    ['abcdef', 9, 2, ''],
    ['abcdef', 4, 10, 'ef'],
    ['abcdef', 0, 0, ''],
    ['abcdef', -2, undefined, 'ef'],
    ['abcdef', -2, 1, 'e'],
    ['abcdef', -10, 2, 'ab'],
    ['😀a😀b', 1, 2, 'a😀'],
  ])('codePointSubstring(%p, %p, %p) = %p', (text, start, length, expected) => {
    expect(codePointSubstring(text, start, length)).toBe(expected);
  });

  it('trims Unicode White_Space only', () => {
    expect(trimUnicodeWhitespace('\u00a0\u2003 x y \t\n\u0085')).toBe('x y');
    expect(trimUnicodeWhitespace('\ufeffx')).toBe('\ufeffx'); // BOM is not White_Space
  });
});
