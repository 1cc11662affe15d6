import type { RunningSandbox } from '../../../sandbox/app';
import type { RepositoryData } from '../../../sandbox/seed/records';
import { getJson, readAll, startTestSandbox } from '../sandbox-fixture';

let sandbox: RunningSandbox;
let repo: RepositoryData;
let url: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  repo = sandbox.store.repositories[0];
  url = `${sandbox.apiUrl}/repositories/acme-dev/${repo.repository.slug}/pullrequests`;
});
afterAll(() => sandbox.close());

const countIn = (states: string[]) => repo.pullRequests.filter((p) => states.includes(p.state)).length;

describe('GET .../pullrequests', () => {
  it.each([
    ['', ['OPEN']],
    ['state=MERGED', ['MERGED']],
    ['state=MERGED&state=DECLINED', ['MERGED', 'DECLINED']],
    ['state=OPEN&state=MERGED&state=DECLINED&state=SUPERSEDED', ['OPEN', 'MERGED', 'DECLINED', 'SUPERSEDED']],
  ])('?%s lists exactly the pull requests in %j', async (query, states) => {
    const { values } = await readAll(`${url}?pagelen=50&${query}`);
    expect(values).toHaveLength(countIn(states));
    expect(new Set(values.map((v) => v.state))).toEqual(new Set(states));
  });

  it('applies the OPEN default even when q names another state (send state= explicitly)', async () => {
    const { values } = await readAll(`${url}?pagelen=50&q=${encodeURIComponent('state = "MERGED"')}`);
    expect(values).toEqual([]);
  });

  it('rejects an unknown state', async () => {
    expect((await getJson(`${url}?state=CLOSED`)).status).toBe(400);
  });

  it('hides reviewers and participants in the list unless asked for with fields=+values.reviewers', async () => {
    const plain = await getJson(`${url}?state=MERGED&pagelen=50`);
    const values = plain.body.values as Array<Record<string, unknown>>;
    expect(values.every((v) => !('reviewers' in v) && !('participants' in v))).toBe(true);
    const expanded = await getJson(`${url}?state=MERGED&pagelen=50&fields=%2Bvalues.reviewers,%2Bvalues.participants`);
    const full = expanded.body.values as Array<Record<string, unknown>>;
    expect(full.every((v) => Array.isArray(v.reviewers) && Array.isArray(v.participants))).toBe(true);
    expect(full.some((v) => (v.reviewers as unknown[]).length > 0)).toBe(true);
  });

  it('the single pull request carries reviewers and participants', async () => {
    const { body } = await getJson(`${url}/1`);
    expect(body).toMatchObject({ type: 'pullrequest', id: 1 });
    expect(body).toHaveProperty('reviewers');
    expect(body).toHaveProperty('participants');
  });

  it('filters with q and sorts stably with sort', async () => {
    const merged = await readAll(`${url}?pagelen=50&state=MERGED&state=OPEN&q=${encodeURIComponent('state = "MERGED"')}&sort=created_on`);
    expect(merged.values).toHaveLength(countIn(['MERGED']));
    const created = merged.values.map((v) => v.created_on as string);
    expect([...created].sort()).toEqual(created);
  });

  it('answers 404 for a pull request that does not exist', async () => {
    const { status, body } = await getJson(`${url}/99999`);
    expect(status).toBe(404);
    expect(body.type).toBe('error');
  });
});
