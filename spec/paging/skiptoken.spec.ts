/**
 * The binding's hash may be handed to `issueSkiptoken` and `readSkiptoken` by a caller that has it already (the
 * paging handler computes it once per page, issue #15.3): the token is the same, and the hash given is the one
 * checked.
 */
import { randomBytes } from 'node:crypto';
import { bindingHash, issueSkiptoken, readSkiptoken, type PageContinuation, type SkiptokenBinding } from '../../src/paging/skiptoken';

const secret = randomBytes(32);
const binding: SkiptokenBinding = { resource: 'Commits', query: '$top=100', credential: 'bearer:a' };
const other: SkiptokenBinding = { ...binding, credential: 'bearer:b' };

test.each<PageContinuation>([
  { served: 100 },
  { served: 100, cursor: ['acme-dev', 'platform-api', 7], count: 12 },
  { served: 200, cursor: ["a''b", null, true], snapshot: 'AAAAAAAAAAAAAAAAAAAAAA', pageSize: 100 },
])('with the hash given, %j is issued and read as without it', (continuation) => {
  const hash = bindingHash(secret, binding);
  const token = issueSkiptoken(secret, continuation, binding, hash);
  expect(token).toBe(issueSkiptoken(secret, continuation, binding));
  expect(readSkiptoken(secret, token, binding, hash)).toEqual(readSkiptoken(secret, token, binding));
});

test('the hash given is the one checked: a token of another binding is refused', () => {
  const token = issueSkiptoken(secret, { served: 100 }, other);
  expect(() => readSkiptoken(secret, token, binding, bindingHash(secret, binding))).toThrow(expect.objectContaining({ code: 'InvalidSkipToken' }));
  expect(readSkiptoken(secret, token, binding, bindingHash(secret, other))).toEqual({ served: 100 });
});
