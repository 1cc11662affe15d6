/**
 * ListMemo (src/bitbucket/list-memo.ts) keeps a commit list it finds unchanged again for its new time without
 * compressing the items again (issue #15, CPU per upstream call: a repository's whole history was stringified and
 * gzipped on every check of its heads, one call), and still reads an entry kept whole as gzip by the version before.
 * A ListMemo over a Map store and pages served from memory: the same items and calls as before, only the kept bytes
 * are looked at.
 */
import zlib from 'node:zlib';
import { ListMemo, type MemoPage, type PageSource } from '../../src/bitbucket/list-memo';
import type { ByteStore } from '../../src/bitbucket/byte-store';
import type { UpstreamCredential } from '../../src/bitbucket/upstream-credential';

const CREDENTIAL: UpstreamCredential = { kind: 'bearer', token: 't' };
const PATH = '/repositories/w/r/commits';
const HEADS_PATH = '/repositories/w/r/refs/branches';
// c60 → c59 → … → c1: enough text that gzip at level 1 and at the default level write different bytes.
const HISTORY = Array.from({ length: 60 }, (_, index) => {
  const n = 60 - index;
  return { hash: `c${n}`, message: `change ${n}: ${'words '.repeat(n % 7)}`, parents: n > 1 ? [{ hash: `c${n - 1}` }] : [] };
});

function setUp() {
  const kept = new Map<string, Buffer>();
  const store: ByteStore = {
    get: async (key) => kept.get(key),
    set: async (key, value) => {
      kept.set(key, value);
    },
  };
  let clock = 1_000_000;
  const memo = new ListMemo({ store, principalKey: () => 'p', keepSeconds: 3600, freshSeconds: 60, generation: async () => 'g', now: () => clock });
  const calls: string[] = [];
  const pages: PageSource = (start) =>
    (async function* (): AsyncGenerator<MemoPage> {
      calls.push(start.path);
      if (start.path === HEADS_PATH) {
        yield { page: { values: [{ name: 'main', target: { hash: 'c60' } }] } };
        return;
      }
      for (let at = 0; at < HISTORY.length; at += 25) {
        const page: MemoPage['page'] = { values: HISTORY.slice(at, at + 25), pagelen: 25 };
        if (at + 25 < HISTORY.length) page.next = `https://api.example/2.0${PATH}?page=${at / 25 + 2}`;
        yield { page, target: `${PATH}?page=${at / 25 + 1}` };
      }
    })();
  const list = memo.listOf(PATH, { pagelen: 25 });
  if (list === undefined) throw new Error('a plain commit list is one the memo keeps');
  const walk = async () => {
    const items: unknown[] = [];
    for await (const located of memo.walk(list, CREDENTIAL, pages)) items.push(...located.page.values);
    return items;
  };
  const entry = () => {
    const [value] = [...kept.values()];
    return value;
  };
  return { kept, memo, calls, walk, entry, advance: (ms: number) => (clock += ms) };
}

/** The parts of an entry kept in the current format: its header and its compressed items. */
function parts(stored: Buffer): { header: { savedAt: number; generation: string }; packedItems: Buffer } {
  expect(stored[0]).toBe(0x02);
  const headerEnd = 5 + stored.readUInt32BE(1);
  return { header: JSON.parse(stored.subarray(5, headerEnd).toString('utf8')) as { savedAt: number; generation: string }, packedItems: stored.subarray(headerEnd) };
}

describe('ListMemo keeps an unchanged list again', () => {
  it('with its items as they were compressed, for its new time, and serves the same items', async () => {
    const { calls, walk, entry, advance, kept } = setUp();
    expect(await walk()).toEqual(HISTORY);
    expect(calls).toEqual([PATH]);
    // The kept items compressed otherwise (level 1): kept again as they are, they stay those bytes.
    const { header } = parts(entry());
    const fastest = zlib.gzipSync(Buffer.from(JSON.stringify(HISTORY), 'utf8'), { level: 1 });
    expect(fastest.equals(parts(entry()).packedItems)).toBe(false);
    const [key] = [...kept.keys()];
    kept.set(key, Buffer.concat([entry().subarray(0, 5 + entry().readUInt32BE(1)), fastest]));

    advance(61_000);
    expect(await walk()).toEqual(HISTORY);
    // One call: the heads, which show no branch moved; no commit page.
    expect(calls).toEqual([PATH, HEADS_PATH]);
    const again = parts(entry());
    expect(again.header).toEqual({ savedAt: header.savedAt + 61_000, generation: 'g' });
    expect(again.packedItems.equals(fastest)).toBe(true);

    // Kept for its new time: within the freshness window the next walk calls nothing.
    advance(30_000);
    expect(await walk()).toEqual(HISTORY);
    expect(calls).toEqual([PATH, HEADS_PATH]);
  });

  it('reads an entry kept whole as gzip (the format before), and keeps it in the current one', async () => {
    const { kept, calls, walk, entry, advance } = setUp();
    await walk();
    const [key] = [...kept.keys()];
    const { header } = parts(entry());
    kept.set(key, zlib.gzipSync(Buffer.from(JSON.stringify({ ...header, items: HISTORY }), 'utf8')));
    calls.length = 0;

    expect(await walk()).toEqual(HISTORY);
    expect(calls).toEqual([]);
    advance(61_000);
    expect(await walk()).toEqual(HISTORY);
    expect(calls).toEqual([HEADS_PATH]);
    expect(JSON.parse(zlib.gunzipSync(parts(entry()).packedItems).toString('utf8'))).toEqual(HISTORY);
  });
});
