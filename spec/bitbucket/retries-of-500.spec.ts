import { RETRIES_OF_500_WITH_Q, retriesOf500For } from '../../src/bitbucket/retries-of-500';

// A GET carrying BBQL `q` repeats a 500 once (BCLOUD-22709: an unsupported field may be answered 500 every time).
const ROWS: Array<[target: string, expected: number | undefined]> = [
  ['/repositories/acme/api/pullrequests?q=comment_count+%3E%3D+0&pagelen=3', RETRIES_OF_500_WITH_Q],
  ['/repositories/acme/api/pullrequests?pagelen=50&q=', RETRIES_OF_500_WITH_Q],
  ['/repositories/acme/api/pullrequests?pagelen=50', undefined],
  ['/repositories/acme/api/pullrequests?pagelen=50&%71=state+%3D+%22OPEN%22', RETRIES_OF_500_WITH_Q],
  ['/repositories/acme/api/pullrequests?pagelen=50&Q=x', undefined],
  ['/repositories/acme/api/pullrequests?sort=-created_on&fields=values.q', undefined],
  ['/repositories/acme/api/pullrequests', undefined],
  ['/user', undefined],
];

test.each(ROWS)('%s → %s', (target, expected) => {
  expect(retriesOf500For(target)).toBe(expected);
});
