/**
 * NoticeTrust's trust epoch (src/bitbucket/notice-trust.ts) on the memory store: when a replica could have missed a
 * notice, the token of every covered path changes, so no answer kept before is trusted again. Bitbucket sends its
 * retries at once (community.developer.atlassian.com/t/webhooks-retries-how-to-delay-or-re-request/41486), so a lone
 * replica restarted within the alive record's 30 s has missed what was delivered meanwhile.
 */
import { noticeOf } from '../../src/bitbucket/change-notices';
import { NoticeTrust, type MarkStore } from '../../src/bitbucket/notice-trust';
import { MemoryStore } from '../../src/storage/memory-store';

const PATH = '/repositories/acme-dev/platform-api/refs/tags?pagelen=100';

function replica(store: MarkStore, now: () => number): NoticeTrust {
  return new NoticeTrust({ store, workspaces: ['acme-dev'], trustSeconds: 3600, now });
}

test('a replica started while the alive record of the one before it still holds starts a new epoch: nothing kept before is trusted', async () => {
  let clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  const before = replica(store, () => clock);
  const kept = await before.token(PATH);
  expect(kept).toBeDefined();
  expect(await before.token(PATH)).toBe(kept);
  // The only replica restarts in 5 s: a push delivered meanwhile was refused three times at once, and is lost.
  clock += 5_000;
  const after = replica(store, () => clock);
  const now = await after.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
  // The replica that went on living meets the new epoch too (it is in the shared store).
  expect(await before.token(PATH)).toBe(now);
});

test('a notice the store refused to mark makes the replica trust nothing until a new epoch is started', async () => {
  let clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  let refusing = false;
  // The same store, refusing writes for a while (as Redis at maxmemory with noeviction does, spec/cache/change-notices-store-refused).
  const refused = () => Promise.reject(new Error('OOM'));
  const flaky: MarkStore = {
    get: (key) => store.get(key),
    set: (key, value, ttl) => (refusing ? refused() : store.set(key, value, ttl)),
    setAllIfAbsent: (entries) => (refusing ? refused() : store.setAllIfAbsent(entries)),
  };
  const trust = replica(flaky, () => clock);
  const kept = await trust.token(PATH);
  refusing = true;
  const notice = { eventKey: 'repo:push', fullName: 'acme-dev/platform-api', workspace: 'acme-dev', scope: 'repository' as const, alsoWorkspaces: [] };
  await expect(trust.apply(notice)).rejects.toThrow('OOM');
  await expect(trust.apply(notice)).rejects.toThrow('OOM'); // Bitbucket's retries, at once
  await expect(trust.apply(notice)).rejects.toThrow('OOM');
  // While the store refuses, nothing is trusted (no token: the ordinary window).
  expect(await trust.token(PATH)).toBeUndefined();
  refusing = false;
  const now = await trust.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
});

test('a transfer marks every declared workspace, named in its payload or not (the one the repository left)', async () => {
  let clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  const trust = replica(store, () => clock);
  const kept = await trust.token(PATH);
  expect(kept).toBeDefined();
  // acme-dev/platform-api moved to blue-harbor; the payload names only where it is now.
  const reading = noticeOf('repo:transfer', { repository: { full_name: 'blue-harbor/platform-api' }, actor: {} });
  if (reading.kind !== 'apply') throw new Error(`not applied: ${reading.kind}`);
  await trust.apply(reading.notice);
  // Past the settling of the notice (60 s), the replica alive all along (no gap: the epoch stays).
  for (let step = 0; step < 4; step += 1) {
    clock += 20_000;
    await trust.beat();
  }
  const now = await trust.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
});

test('a signed delivery one replica cannot read withdraws every trust on the others at once, not at its next alive beat', async () => {
  const clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  const a = replica(store, () => clock);
  const b = replica(store, () => clock);
  await a.beat();
  await b.beat();
  const kept = await b.token(PATH);
  expect(kept).toBeDefined();
  // A refresh of A under way when the delivery arrives (it read the epoch as not due) must not swallow the new one.
  const beating = a.beat();
  await a.missed();
  await beating;
  const now = await b.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
  expect(await a.token(PATH)).toBe(now);
});

test('a notice the store refused to mark, with the epoch still writable, withdraws every trust on the others at once', async () => {
  const clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  // Refuses the notice's mark only (a write that failed on its own: a connection reset), not what comes after it.
  let refuseMarks = true;
  const flaky: MarkStore = {
    get: (key) => store.get(key),
    set: (key, value, ttl) => (refuseMarks && key !== 'rc-notice:epoch' && key !== 'rc-notice:alive' ? Promise.reject(new Error('ECONNRESET')) : store.set(key, value, ttl)),
    setAllIfAbsent: (entries) => store.setAllIfAbsent(entries),
  };
  const a = replica(flaky, () => clock);
  const b = replica(store, () => clock);
  await a.beat();
  await b.beat();
  const kept = await b.token(PATH);
  expect(kept).toBeDefined();
  const notice = { eventKey: 'repo:push', fullName: 'acme-dev/platform-api', workspace: 'acme-dev', scope: 'repository' as const, alsoWorkspaces: [] };
  await expect(a.apply(notice)).rejects.toThrow('ECONNRESET');
  refuseMarks = false;
  const now = await b.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
});

test('a signed delivery it cannot read, while the store refuses the new epoch, is refused as the store\'s failure; the replica trusts nothing until one is written', async () => {
  const clock = Date.parse('2026-09-01T10:00:00Z');
  const store = new MemoryStore({ maxBytes: 1 << 20, now: () => clock });
  let refusing = false;
  const flaky: MarkStore = {
    get: (key) => store.get(key),
    set: (key, value, ttl) => (refusing ? Promise.reject(new Error('OOM')) : store.set(key, value, ttl)),
    setAllIfAbsent: (entries) => (refusing ? Promise.reject(new Error('OOM')) : store.setAllIfAbsent(entries)),
  };
  const trust = replica(flaky, () => clock);
  const kept = await trust.token(PATH);
  refusing = true;
  await expect(trust.missed()).rejects.toThrow('OOM');
  expect(await trust.token(PATH)).toBeUndefined();
  refusing = false;
  const now = await trust.token(PATH);
  expect(now).toBeDefined();
  expect(now).not.toBe(kept);
});
