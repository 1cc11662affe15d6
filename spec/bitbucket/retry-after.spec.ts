import { MAX_REPORTED_RETRY_AFTER_SECONDS, parseRetryAfter } from '../../src/bitbucket/retry-after';

const NOW = Date.parse('2026-09-01T12:00:00Z');

describe('parseRetryAfter', () => {
  it.each<[string | undefined, number | undefined]>([
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['7', 7],
    [' 120 ', 120],
    ['1.5', undefined],
    ['-3', undefined],
    ['soon', undefined],
    ['Tue, 01 Sep 2026 12:00:30 GMT', 30],
    ['Tue, 01 Sep 2026 12:00:00 GMT', 0],
    ['Tue, 01 Sep 2026 11:00:00 GMT', 0],
    ['Tuesday, 01-Sep-26 12:01:00 GMT', 60],
    ['99999999999', MAX_REPORTED_RETRY_AFTER_SECONDS],
  ])('%j → %j', (header, expected) => {
    expect(parseRetryAfter(header, NOW)).toBe(expected);
  });
});
