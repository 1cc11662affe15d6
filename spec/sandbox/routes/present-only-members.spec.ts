import type { RunningSandbox } from '../../../sandbox/app';
import { presentPullRequest } from '../../../sandbox/routes/present/present-pull-request';
import { presentRepository } from '../../../sandbox/routes/present/present-repository';
import { getJson, startTestSandbox } from '../sandbox-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('presentPullRequest with only', () => {
  it.each<[string[]]>([
    [['id']],
    [['state', 'id']],
    [['destination', 'id', 'state']],
    [['links', 'author', 'comment_count']],
    [['participants', 'reviewers', 'closed_by', 'merge_commit', 'rendered', 'summary']],
    [['no_such_member']],
    [[]],
  ])('gives the full presentation\'s members %j, in its order, for every pull request of the seed', (members) => {
    const only = new Set(members);
    const ctx = { store: sandbox.store, origin: sandbox.url };
    for (const data of sandbox.store.repositories) {
      for (const pr of data.pullRequests) {
        const full = presentPullRequest(ctx, data, pr);
        const expected = Object.fromEntries(Object.entries(full).filter(([key]) => only.has(key)));
        expect(JSON.stringify(presentPullRequest(ctx, data, pr, only))).toBe(JSON.stringify(expected));
      }
    }
  });
});

describe('presentRepository with only', () => {
  it.each<[string[]]>([
    [['full_name']],
    [['full_name', 'uuid', 'name', 'description', 'is_private', 'scm', 'language', 'size', 'fork_policy', 'mainbranch', 'project', 'owner', 'created_on', 'updated_on']],
    [['links', 'workspace', 'override_settings', 'has_wiki']],
    [['no_such_member']],
  ])('gives the full presentation\'s members %j, in its order, for every repository of the seed', (members) => {
    const only = new Set(members);
    const ctx = { store: sandbox.store, origin: sandbox.url };
    for (const data of sandbox.store.repositories) {
      const full = presentRepository(ctx, data);
      const expected = Object.fromEntries(Object.entries(full).filter(([key]) => only.has(key)));
      expect(JSON.stringify(presentRepository(ctx, data, only))).toBe(JSON.stringify(expected));
    }
  });
});

describe('a pull-request list presents only the members it reads (issue #15, fan-out bench)', () => {
  /** Runs `action`, counting the store's user look-ups (each presented author, reviewer and participant is one). */
  async function userLookups(action: () => Promise<unknown>): Promise<number> {
    const store = sandbox.store;
    const original = store.user;
    let count = 0;
    store.user = (uuid: string) => {
      count++;
      return original.call(store, uuid);
    };
    try {
      await action();
    } finally {
      store.user = original;
    }
    return count;
  }
  const list = () => `${sandbox.apiUrl}/repositories/acme-dev/${sandbox.store.repositories[0]!.repository.slug}/pullrequests?state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED`;

  it.each<[string, 'none' | 'some']>([
    // The gateway's fan-out read: q, sort and three fields; no user is read.
    [`q=${encodeURIComponent('state = "OPEN"')}&sort=id&fields=next,size,page,pagelen,values.destination.repository.full_name,values.id,values.state`, 'none'],
    ['sort=-updated_on&fields=values.id', 'none'],
    ['fields=values.id,values.title', 'none'],
    [`q=${encodeURIComponent('author.nickname ~ "a"')}&fields=values.id`, 'some'],
    ['sort=id', 'some'],
    ['fields=%2Bvalues.reviewers', 'some'],
  ])('?%s looks up %s users', async (query, expected) => {
    let status = 0;
    const count = await userLookups(async () => {
      status = (await getJson(`${list()}&${query}`)).status;
    });
    expect(status).toBe(200);
    if (expected === 'none') expect(count).toBe(0);
    else expect(count).toBeGreaterThan(0);
  });
});
