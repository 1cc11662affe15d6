/**
 * Page-numbered lists that leave out `next` before their last page (pipelines, BCLOUD-20639;
 * sandbox quirk `pipelines-without-next`) and leave out `size` (`lists-without-size`): the client continues with page + 1 where the
 * envelope says rows remain, never loops, never repeats rows, and never turns a missing `size` into 0.
 */
import type { RequestHandler } from 'express';
import { startSandbox } from '../../sandbox/app';
import { DEMO_USER } from '../../sandbox/identities';
import { BitbucketClient, UpstreamError, type BitbucketPage } from '../../src/bitbucket';
import { BEARER, makeHarness, rejectionOf, useLocalUpstream } from './support/client-harness';
import { json } from './support/local-upstream';

const PIPELINES = '/2.0/repositories/acme/web/pipelines';

/** A page-numbered list of `rows` that never sends `next`; `envelope` chooses which of page/pagelen/size it shows. */
function listWithoutNext(rows: number[], envelope: { page?: boolean; size?: boolean } = {}): RequestHandler {
  return (req, res) => {
    const pagelen = Number(req.query.pagelen ?? 10);
    const page = Number(req.query.page ?? 1);
    const values = rows.slice((page - 1) * pagelen, page * pagelen);
    res.json({
      ...(envelope.page === false ? {} : { page }),
      pagelen,
      ...(envelope.size === false ? {} : { size: rows.length }),
      values,
    });
  };
}

describe('BitbucketClient.locatedPages on lists without "next" (real HTTP)', () => {
  const local = useLocalUpstream();
  const { upstream } = local;

  async function rowsOf(query: Record<string, string | number>): Promise<{ pages: Array<BitbucketPage<number>>; rows: number[] }> {
    const pages: Array<BitbucketPage<number>> = [];
    for await (const { page } of local.harness.client.locatedPages<number>({ path: '/repositories/acme/web/pipelines', query }, BEARER)) pages.push(page);
    return { pages, rows: pages.flatMap((page) => page.values) };
  }

  it('continues with page + 1 of the same request while page · pagelen < size, and stops at size', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3, 4, 5]));
    const { rows } = await rowsOf({ sort: '-created_on', fields: '+values.uuid', pagelen: 2 });
    expect(rows).toEqual([1, 2, 3, 4, 5]);
    expect(upstream.requests.map((request) => request.rawUrl)).toEqual([
      `${PIPELINES}?sort=-created_on&fields=%2Bvalues.uuid&pagelen=2`,
      `${PIPELINES}?sort=-created_on&fields=%2Bvalues.uuid&pagelen=2&page=2`,
      `${PIPELINES}?sort=-created_on&fields=%2Bvalues.uuid&pagelen=2&page=3`,
    ]);
  });

  it('keeps every parameter of the request, q with quotes and "+" included, and replaces page in place', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3]));
    const q = 'target.ref_name = "a+b c"';
    await rowsOf({ q, page: 1, pagelen: 2 });
    expect(upstream.requests.map((request) => request.query)).toEqual([
      { q, page: '1', pagelen: '2' },
      { q, page: '2', pagelen: '2' },
    ]);
    expect(upstream.requests[1]?.rawUrl).toBe(`${PIPELINES}?q=target.ref_name%20%3D%20%22a%2Bb%20c%22&page=2&pagelen=2`);
  });

  it('reads no further page when size is reached exactly', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3, 4]));
    expect((await rowsOf({ pagelen: 2 })).rows).toEqual([1, 2, 3, 4]);
    expect(upstream.requests).toHaveLength(2);
  });

  it('reads the next page only when the consumer asks for it', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3]));
    for await (const { page } of local.harness.client.locatedPages<number>({ path: '/repositories/acme/web/pipelines', query: { pagelen: 2 } }, BEARER)) {
      expect(page.values).toEqual([1, 2]);
      break;
    }
    expect(upstream.requests).toHaveLength(1);
  });

  it('without size, continues after a full page that carries page, until an empty page (one extra call)', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3, 4], { size: false }));
    const { pages, rows } = await rowsOf({ pagelen: 2 });
    expect(rows).toEqual([1, 2, 3, 4]);
    expect(upstream.requests.map((request) => request.query.page)).toEqual([undefined, '2', '3']);
    expect(pages.map((page) => page.values.length)).toEqual([2, 2, 0]);
  });

  it('without size, stops at a short page', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3], { size: false }));
    expect((await rowsOf({ pagelen: 2 })).rows).toEqual([1, 2, 3]);
    expect(upstream.requests).toHaveLength(2);
  });

  it('without size and without page (a cursor-paged list such as commits), a page without next is the last', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3], { size: false, page: false }));
    expect((await rowsOf({ pagelen: 2 })).rows).toEqual([1, 2]);
    expect(upstream.requests).toHaveLength(1);
  });

  it('with size but no page field, counts the first request as page 1 and continues', async () => {
    upstream.on(`GET ${PIPELINES}`, listWithoutNext([1, 2, 3], { page: false }));
    expect((await rowsOf({ pagelen: 2 })).rows).toEqual([1, 2, 3]);
    expect(upstream.requests).toHaveLength(2);
  });

  it('fails loudly, before yielding duplicates, when the list ignores page and answers page 1 again', async () => {
    upstream.on(`GET ${PIPELINES}`, json({ page: 1, pagelen: 2, size: 5, values: [1, 2] }));
    const seen: number[] = [];
    const error = await rejectionOf(
      (async () => {
        for await (const { page } of local.harness.client.locatedPages<number>({ path: '/repositories/acme/web/pipelines', query: { pagelen: 2 } }, BEARER)) seen.push(...page.values);
      })(),
    );
    expect(seen).toEqual([1, 2]);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ kind: 'bad-response', status: 200 });
    expect((error as Error).message).toMatch(/page 2 was requested .* Bitbucket answered page 1/);
    expect(upstream.requests).toHaveLength(2);
  });

  it('fails loudly when the list ignores page and repeats the rows without saying which page they are', async () => {
    upstream.on(`GET ${PIPELINES}`, json({ pagelen: 2, size: 5, values: [1, 2] }));
    const error = await rejectionOf(rowsOf({ pagelen: 2 }));
    expect((error as Error).message).toMatch(/previous page's rows again/);
    expect(upstream.requests).toHaveLength(2);
  });

  it('still follows next when the continuation page has one', async () => {
    upstream.on(`GET ${PIPELINES}`, (req, res) => {
      if (req.query.page === undefined) res.json({ page: 1, pagelen: 2, size: 4, values: [1, 2] });
      else if (req.query.page === '2') res.json({ page: 2, pagelen: 2, size: 4, values: [3], next: `${upstream.origin}${PIPELINES}?page=3&pagelen=2` });
      else res.json({ page: 3, pagelen: 2, size: 4, values: [4] });
    });
    expect((await rowsOf({ pagelen: 2 })).rows).toEqual([1, 2, 3, 4]);
    expect(upstream.requests.map((request) => request.query.page)).toEqual([undefined, '2', '3']);
  });

  it.each<[string, Record<string, unknown>]>([
    ['absent', {}],
    ['null', { size: null }],
    ['a string', { size: '12' }],
  ])('exposes a size that is %s as undefined, never 0', async (_name, envelope) => {
    upstream.on(`GET ${PIPELINES}`, json({ values: [1], ...envelope }));
    const { pages } = await rowsOf({});
    expect(pages).toHaveLength(1);
    expect(pages[0]?.size).toBeUndefined();
    expect('size' in (pages[0] ?? {})).toBe(false);
  });

  it('keeps size 0 when Bitbucket says 0', async () => {
    upstream.on(`GET ${PIPELINES}`, json({ values: [], size: 0, page: 1, pagelen: 10 }));
    expect((await rowsOf({})).pages[0]?.size).toBe(0);
  });

  it('never reads a 404 as an empty list: it is a not-found error for the caller to judge', async () => {
    upstream.on(`GET ${PIPELINES}`, (_req, res) => void res.status(404).json({ type: 'error', error: { message: 'Repository acme/web not found' } }));
    const error = await rejectionOf(rowsOf({}));
    expect(error).toMatchObject({ kind: 'not-found', status: 404, upstreamMessage: 'Repository acme/web not found' });
  });
});

describe('BitbucketClient.pages against the sandbox with its pipelines-without-next quirk (row 1)', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  beforeAll(async () => {
    sandbox = await startSandbox({ rateLimitPerHour: 1_000_000, quirks: ['pipelines-without-next'] }, 0);
  });
  afterAll(() => sandbox.close());

  it('reads every pipeline run, one call per page, though no page has next', async () => {
    const events: string[] = [];
    const client = new BitbucketClient({ baseUrl: sandbox.apiUrl, onRequest: (event) => events.push(event.url) });
    const credential = { kind: 'bearer', token: DEMO_USER.bearerToken } as const;
    try {
      const path = '/repositories/acme-dev/platform-api/pipelines';
      const rows: unknown[] = [];
      let size: number | undefined;
      for await (const page of client.pages<unknown>(path, { pagelen: 10 }, credential)) {
        expect(page.next).toBeUndefined();
        size = page.size;
        rows.push(...page.values);
      }
      expect(size).toBeGreaterThan(10);
      expect(rows).toHaveLength(size ?? -1);
      expect(events).toHaveLength(Math.ceil((size ?? 0) / 10));
    } finally {
      client.close();
    }
  });
});
