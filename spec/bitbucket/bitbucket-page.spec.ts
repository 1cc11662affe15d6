/**
 * `readBitbucketPage` as a table: what is a page, and which envelope numbers are kept. A page with nothing to drop is
 * returned as parsed (issue #15), so the table holds those and the ones that must be corrected.
 */
import { readBitbucketPage } from '../../src/bitbucket/bitbucket-page';

describe('readBitbucketPage', () => {
  test.each([
    ['a full envelope', { values: [1], size: 3, page: 1, pagelen: 1, next: 'n', previous: 'p' }, { values: [1], size: 3, page: 1, pagelen: 1, next: 'n', previous: 'p' }],
    ['values alone', { values: [] }, { values: [] }],
    ['a null next is absent', { values: [1], next: null }, { values: [1] }],
    ['a null size is unknown', { values: [1], size: null, next: 'n' }, { values: [1], next: 'n' }],
    ['counts that are not non-negative integers are dropped', { values: [1], size: -1, page: 1.5, pagelen: '10' }, { values: [1] }],
    ['an unsafe integer is dropped', { values: [1], size: 2 ** 53 }, { values: [1] }],
    ['other members are kept', { values: [1], extra: { a: 1 } }, { values: [1], extra: { a: 1 } }],
  ])('%s', (_, body, page) => {
    expect(readBitbucketPage(JSON.parse(JSON.stringify(body)))).toStrictEqual(page);
  });

  test.each([
    ['null', null],
    ['an array', [1]],
    ['a string', 'values'],
    ['no values', { size: 1 }],
    ['values not an array', { values: {} }],
    ['a next that is not a string', { values: [], next: 2 }],
  ])('%s is no page', (_, body) => {
    expect(readBitbucketPage(body)).toBeUndefined();
  });
});
