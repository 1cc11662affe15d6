import { encodeUpstreamQuery, type UpstreamQuery } from '../../src/bitbucket/upstream-query';

describe('encodeUpstreamQuery', () => {
  it.each<[string, UpstreamQuery, string]>([
    ['empty', {}, ''],
    ['undefined values are left out', { q: undefined, pagelen: 50 }, 'pagelen=50'],
    ['"+" in fields is %2B, not a space', { fields: '+values.reviewers,+values.participants' }, 'fields=%2Bvalues.reviewers%2C%2Bvalues.participants'],
    ['arrays repeat the key', { state: ['OPEN', 'MERGED'] }, 'state=OPEN&state=MERGED'],
    ['an empty array sends nothing', { state: [] }, ''],
    ['booleans and numbers', { active: true, archived: false, page: 2 }, 'active=true&archived=false&page=2'],
    ['BBQL with quotes, escapes and unicode', { q: 'title ~ "a\\"b" AND author.display_name = "Zoë"' }, 'q=title%20~%20%22a%5C%22b%22%20AND%20author.display_name%20%3D%20%22Zo%C3%AB%22'],
    ['BBQL with "&", "=", "#" and an empty string', { q: 'name = "a&b=c#d" OR name = ""' }, 'q=name%20%3D%20%22a%26b%3Dc%23d%22%20OR%20name%20%3D%20%22%22'],
    ["single quotes stay (RFC 3986 sub-delims)", { q: "title = \"it's\"" }, 'q=title%20%3D%20%22it\'s%22'],
    ['names are encoded too', { 'a b': 'c' }, 'a%20b=c'],
    ['ISO datetimes keep their offset sign', { q: 'updated_on > 2024-01-01T00:00:00+00:00' }, 'q=updated_on%20%3E%202024-01-01T00%3A00%3A00%2B00%3A00'],
  ])('%s', (_name, query, expected) => {
    expect(encodeUpstreamQuery(query)).toBe(expected);
  });

  it.each<[string, UpstreamQuery, RegExp]>([
    ['NaN', { pagelen: Number.NaN }, /"pagelen" is NaN; give a finite number/],
    ['Infinity', { page: Number.POSITIVE_INFINITY }, /"page" is Infinity/],
    ['a lone surrogate', { q: 'x\udc00' }, /"q" contains a lone UTF-16 surrogate/],
  ])('refuses %s', (_name, query, message) => {
    expect(() => encodeUpstreamQuery(query)).toThrow(message);
  });

  it('long values (remembered once encoded) come out the same every time, past the bound of those remembered', () => {
    const fields = (n: number) => `next,values.id,values.title,values.reviewers.display_name,values.n${n}+Zoë`;
    const expected = (n: number) => `fields=next%2Cvalues.id%2Cvalues.title%2Cvalues.reviewers.display_name%2Cvalues.n${n}%2BZo%C3%AB`;
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 300; n++) expect(encodeUpstreamQuery({ fields: fields(n) })).toBe(expected(n));
    }
    // The same text under another name is the same encoding; a long value that cannot be encoded fails every time.
    expect(encodeUpstreamQuery({ q: fields(1) })).toBe(expected(1).replace('fields=', 'q='));
    const unencodable = `${'x'.repeat(40)}\udc00`;
    for (let round = 0; round < 2; round++) expect(() => encodeUpstreamQuery({ q: unencodable })).toThrow(/"q" contains a lone UTF-16 surrogate/);
  });
});
