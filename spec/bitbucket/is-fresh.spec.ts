/**
 * The one rule by which the response cache (an answer) and the list memo (a list) decide to serve what they kept
 * without asking Bitbucket (src/bitbucket/is-fresh.ts): the ordinary window and the scope's generation, or, for what
 * was kept and is looked up under a trust token (change notices), the token alone, past the window only for a
 * credential Bitbucket accepted within it.
 */
import { isFresh, type KeptMarks } from '../../src/bitbucket/is-fresh';

const AT = Date.parse('2026-09-01T10:00:00Z');
const WINDOW = 60;
const TRUST = 3600;
const s = (seconds: number) => seconds * 1000;

type Case = [name: string, kept: Omit<KeptMarks, 'storedAt'> & { age: number }, now: { generation: string; token?: string; accepted?: boolean }, fresh: boolean, acceptedAsked: boolean];

const cases: Case[] = [
  ['within the window, same generation', { age: s(10), generation: 'g1' }, { generation: 'g1' }, true, false],
  ['within the window, a write since (other generation)', { age: s(10), generation: 'g1' }, { generation: 'g2' }, false, false],
  ['past the window', { age: s(WINDOW), generation: 'g1' }, { generation: 'g1' }, false, false],
  ['stored in the future (the clock went back)', { age: -1, generation: 'g1' }, { generation: 'g1' }, false, false],
  ['immutable: a write does not change it', { age: s(10), generation: 'g1', immutable: true }, { generation: 'g2' }, true, false],
  ['immutable past its window', { age: s(WINDOW), generation: 'g1', immutable: true }, { generation: 'g1' }, false, false],
  ['immutable kept under a token: its own window, never trusted longer', { age: s(WINDOW + 1), generation: 'g1', trust: 't1', immutable: true }, { generation: 'g1', token: 't1', accepted: true }, false, false],
  ['trusted within the window', { age: s(10), generation: 'g1', trust: 't1' }, { generation: 'g1', token: 't1' }, true, false],
  ['trusted within the window, judged by the token alone (generation differs)', { age: s(10), generation: 'g1', trust: 't1' }, { generation: 'g2', token: 't1' }, true, false],
  ['trusted, a notice since (other token), within the window', { age: s(10), generation: 'g1', trust: 't1' }, { generation: 'g1', token: 't2' }, false, false],
  ['trusted past the window, credential accepted within it', { age: s(WINDOW + 1), generation: 'g1', trust: 't1' }, { generation: 'g1', token: 't1', accepted: true }, true, true],
  ['trusted past the window, credential not accepted within it', { age: s(WINDOW + 1), generation: 'g1', trust: 't1' }, { generation: 'g1', token: 't1', accepted: false }, false, true],
  ['trusted past the trust time', { age: s(TRUST), generation: 'g1', trust: 't1' }, { generation: 'g1', token: 't1', accepted: true }, false, false],
  ['kept under a token, looked up without one (receiver not known alive): the ordinary rule', { age: s(10), generation: 'g1', trust: 't1' }, { generation: 'g1' }, true, false],
  ['kept under a token, looked up without one, past the window', { age: s(WINDOW + 1), generation: 'g1', trust: 't1' }, { generation: 'g1' }, false, false],
  ['kept without a token, looked up with one: the ordinary rule', { age: s(WINDOW + 1), generation: 'g1' }, { generation: 'g1', token: 't1', accepted: true }, false, false],
];

test.each(cases)('%s', async (_name, { age, ...marks }, now, fresh, acceptedAsked) => {
  let asked = 0;
  const accepted = async () => {
    asked += 1;
    return now.accepted ?? false;
  };
  const verdict = await isFresh(
    { ...marks, storedAt: AT - age },
    { at: AT, generation: now.generation, windowSeconds: WINDOW, ...(now.token !== undefined ? { trust: { token: now.token, seconds: TRUST, accepted } } : {}) },
  );
  expect(verdict).toBe(fresh);
  // The credential check is a store read: asked only for a trusted answer past the window.
  expect(asked).toBe(acceptedAsked ? 1 : 0);
});
