/**
 * Two gateway replicas sharing one Redis and one Bitbucket (issue #14 item 4, "two replicas sharing Redis serve one
 * nextLink walk alternately with no re-read"): a walk whose first page had to read and sort the whole set keeps the
 * rest in Redis, and each nextLink, followed on the other replica in turn, is served from it: the same rows as a walk
 * on one replica, and not one Bitbucket call after the first page (the credential check of a snapshot page is shared
 * too). The snapshot answers only its own token: another credential's token for the same query never reaches it.
 * Needs TEST_REDIS_URL (`npm test` starts a Redis server and sets it).
 */
import supertest from 'supertest';
import Redis from 'ioredis';
import { DEMO_USER, OTHER_USER } from '../../sandbox/identities';
import { createApp, storeOf, upstreamReadinessOf } from '../../src/app';
import { createLogger } from '../../src/logger';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';
import { describeWithRedis, TEST_REDIS_URL as REDIS_URL } from '../helpers/with-redis';

type Item = Record<string, unknown>;
interface Page {
  rows: Item[];
  next?: string;
  /** X-Upstream-Requests of this page, and the calls the sandbox saw for it. */
  calls: number;
  upstream: number;
  replica: 'A' | 'B';
}

const local = (link: string) => link.replace(/^https?:\/\/[^/]+/, '');

describeWithRedis('a nextLink walk served alternately by two replicas sharing Redis', () => {
  let stack: Stack;
  let replicaB: ReturnType<typeof createApp>;
  let requestB: ReturnType<typeof supertest>;

  beforeAll(async () => {
    // A secret of this run only: no snapshot or liveness record of an earlier run is ever found.
    const secret = `spec-shared-snapshots-${process.pid}-${Date.now()}-padding`;
    // Snapshot pages minutes apart would re-check the credential; this spec is about the snapshot, not the re-check.
    stack = await startStack({ env: { REDIS_URL: REDIS_URL!, SKIPTOKEN_SECRET: secret }, config: { maxPageSize: 100_000 } });
    replicaB = createApp({ config: stack.config, logger: createLogger('error', () => undefined) });
    await upstreamReadinessOf(replicaB).settled();
    requestB = supertest(replicaB);
    expect(storeOf(replicaB).kind).toBe('redis');
  });
  afterAll(async () => {
    upstreamReadinessOf(replicaB).stop();
    await storeOf(replicaB).close();
    await stack.close();
  });

  async function read(replica: 'A' | 'B', url: string, pageSize?: number, bearer = DEMO_BEARER): Promise<Page & { status: number; body: Item }> {
    await stack.clearUpstreamCalls();
    let request = (replica === 'A' ? stack.request : requestB).get(local(url)).set('Authorization', bearer);
    if (pageSize !== undefined) request = request.set('Prefer', `odata.maxpagesize=${pageSize}`);
    const response = await request;
    const upstream = (await stack.upstreamCalls()).length;
    return { status: response.status, body: response.body, rows: response.body.value, next: response.body['@odata.nextLink'], calls: Number(response.headers['x-upstream-requests']), upstream, replica };
  }

  /** Every page; `replicaOf(n)` says which replica serves page n (0 the first). */
  async function walk(url: string, pageSize: number, replicaOf: (page: number) => 'A' | 'B', bearer = DEMO_BEARER): Promise<Page[]> {
    const pages: Page[] = [];
    let next: string | undefined = url;
    while (next) {
      const page = await read(replicaOf(pages.length), next, pageSize, bearer);
      if (page.status !== 200) throw new Error(`${next} on ${page.replica} → ${page.status} ${JSON.stringify(page.body)}`);
      pages.push(page);
      next = page.next;
      if (pages.length > 100) throw new Error('nextLink loop');
    }
    return pages;
  }

  const rowsOf = (pages: Page[]) => pages.flatMap((page) => page.rows);
  const alternate = (page: number): 'A' | 'B' => (page % 2 === 0 ? 'A' : 'B');

  test.each([
    { name: 'an in-process order (Title)', url: '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title', pageSize: 40 },
    { name: "commits in Bitbucket's order, read whole (no $top)", url: "/odata/Commits?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'&$select=Hash,Date", pageSize: 40 },
  ])('$name: the rows of a walk on one replica, and no Bitbucket call after the first page', async ({ url, pageSize }) => {
    const single = await walk(url, pageSize, () => 'A');
    const alternating = await walk(url, pageSize, alternate);
    expect(alternating.length).toBeGreaterThan(2);
    expect(alternating.map((page) => page.replica).slice(0, 3)).toEqual(['A', 'B', 'A']);
    expect(rowsOf(alternating)).toEqual(rowsOf(single));
    expect(alternating[0].calls).toBeGreaterThan(0);
    expect(alternating.slice(1).map((page) => [page.replica, page.calls, page.upstream])).toEqual(alternating.slice(1).map((page) => [page.replica, 0, 0]));
  });

  test("another credential's token for the same query never reaches the snapshot: it reads for itself", async () => {
    const url = '/odata/PullRequests?$orderby=Title&$select=Workspace,RepositorySlug,Id,Title';
    const first = await read('A', url, 40);
    expect(first.next).toBeDefined();
    // The demo user's nextLink with another user's credential is refused before anything is read.
    const stolen = await read('B', first.next as string, 40, `Bearer ${OTHER_USER.bearerToken}`);
    expect(stolen.status).toBe(400);
    expect(JSON.stringify(stolen.body)).toContain('another credential');
    expect(stolen.upstream).toBe(0);
    // The other user's own walk makes a snapshot of its own, served across replicas the same way.
    const otherBearer = `Bearer ${OTHER_USER.bearerToken}`;
    const theirs = await walk(url, 40, alternate, otherBearer);
    const whole = await read('A', url, undefined, otherBearer);
    expect(theirs.length).toBeGreaterThan(1);
    expect(rowsOf(theirs)).toEqual(whole.rows);
    expect(whole.rows).not.toEqual((await read('B', url)).rows);
    for (const page of theirs.slice(1)) expect(page.upstream).toBe(0);
  });

  test('Redis holds no credential: no key names a token, an API token or an email', async () => {
    const redis = new Redis(REDIS_URL!);
    try {
      const keys = await redis.keys('bbodata:*');
      expect(keys.some((key) => key.includes('{psnap}'))).toBe(true);
      const secrets = [DEMO_USER.bearerToken, DEMO_USER.apiToken, DEMO_USER.email, OTHER_USER.bearerToken];
      for (const key of keys) {
        const type = await redis.type(key);
        const values = type === 'string' ? [(await redis.getBuffer(key)) ?? Buffer.alloc(0)] : type === 'hash' ? await redis.hvalsBuffer(key) : [];
        for (const secret of secrets) {
          expect(key).not.toContain(secret);
          for (const value of values) expect(value.toString('latin1')).not.toContain(secret);
        }
      }
    } finally {
      redis.disconnect();
    }
  });
});
