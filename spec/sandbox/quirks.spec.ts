import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunningSandbox } from '../../sandbox/app';
import { NARROW_REPOSITORY_ACCESS_TOKEN } from '../../sandbox/identities';
import { ALL_QUIRKS, QUIRKS, REALISTIC_QUIRKS, quirksFromEnv, type Quirk } from '../../sandbox/quirks';
import { AS_DEMO, AS_OTHER, getJson, readAll, startTestSandbox } from './sandbox-fixture';

/**
 * Each quirk over real HTTP: the deviation with the quirk on, Bitbucket's documented behaviour with it off. One
 * sandbox for the file; each test sets the quirks it needs through the control API, as a gateway spec would.
 */
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());
afterEach(async () => {
  await fetch(`${sandbox.url}/_sandbox/reset`, { method: 'POST' });
});

async function setQuirks(quirks: readonly Quirk[]): Promise<void> {
  const response = await fetch(`${sandbox.url}/_sandbox/quirks`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ quirks }) });
  expect(response.status).toBe(200);
}

/** The same request with the quirk off and on. */
async function offAndOn<T>(quirk: Quirk, request: () => Promise<T>): Promise<{ off: T; on: T }> {
  await setQuirks([]);
  const off = await request();
  await setQuirks([quirk]);
  const on = await request();
  return { off, on };
}

const REPO = `/repositories/acme-dev/platform-api`;
const AS_NARROW_TOKEN = { authorization: `Bearer ${NARROW_REPOSITORY_ACCESS_TOKEN.token}` };

describe('sandbox quirks (sandbox/README.md "Quirks")', () => {
  it('pipelines-without-next: page, pagelen, size and values but no next/previous; page=N still works; a walk by next stops at page 1', async () => {
    const url = `${sandbox.apiUrl}${REPO}/pipelines?pagelen=5&page=2`;
    const { off, on } = await offAndOn('pipelines-without-next', () => getJson(url));
    expect(Object.keys(off.body).sort()).toEqual(['next', 'page', 'pagelen', 'previous', 'size', 'values']);
    expect(Object.keys(on.body).sort()).toEqual(['page', 'pagelen', 'size', 'values']);
    expect(on.body.values).toEqual(off.body.values);
    expect(on.body.size).toBeGreaterThan(10);

    const walk = await readAll(`${sandbox.apiUrl}${REPO}/pipelines?pagelen=5`);
    expect(walk.values).toHaveLength(5);
    // Other lists keep their links.
    expect((await getJson(`${sandbox.apiUrl}${REPO}/pullrequests?pagelen=1`)).body.next).toEqual(expect.any(String));
  });

  it('pipelines-without-next past one full page: POST /_sandbox/pipeline-runs adds runs; following next reads 100 of them with the quirk, all without', async () => {
    const add = await fetch(`${sandbox.url}/_sandbox/pipeline-runs`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ workspace: 'acme-dev', repository: 'platform-api', count: 101 }),
    });
    const { total } = (await add.json()) as { total: number };
    expect(total).toBeGreaterThan(101);
    const url = `${sandbox.apiUrl}${REPO}/pipelines?pagelen=100&fields=size,next,values.build_number`;
    const { off, on } = await offAndOn('pipelines-without-next', async () => (await readAll(url)).values.length);
    expect({ off, on }).toEqual({ off: total, on: 100 });
    expect((await getJson(`${url}&page=2`)).body).toEqual({ size: total, values: expect.any(Array) });
    expect(((await getJson(`${url}&page=2`)).body.values as unknown[]).length).toBe(total - 100);
  });

  it('lists-without-size: no size on refs, members, /user/workspaces, hooks and comments; repositories, pipelines and pull requests keep it', async () => {
    const unverified = [
      `${REPO}/refs`, `${REPO}/refs/branches`, `${REPO}/refs/tags`, `${REPO}/hooks`, `${REPO}/pullrequests/1/comments`,
      '/workspaces/acme-dev/members', '/workspaces/acme-dev/hooks', '/user/workspaces',
    ];
    const kept = ['/repositories/acme-dev', `${REPO}/pipelines`, `${REPO}/pullrequests`, '/workspaces/acme-dev/projects'];
    const sizes = () => Promise.all([...unverified, ...kept].map(async (route) => {
      const { status, body } = await getJson(`${sandbox.apiUrl}${route}?pagelen=1`);
      expect(status).toBe(200);
      return body.size;
    }));
    const { off, on } = await offAndOn('lists-without-size', sizes);
    expect(off.every((size) => typeof size === 'number')).toBe(true);
    expect(on).toEqual([...unverified.map(() => undefined), ...off.slice(unverified.length)]);
    // `fields` cannot bring back what Bitbucket does not send.
    expect((await getJson(`${sandbox.apiUrl}${REPO}/refs/branches?fields=size,values.name&pagelen=1`)).body).toEqual({ values: [expect.any(Object)] });
  });

  it('no-size-anywhere: no list has size, repositories and pipelines included', async () => {
    const routes = ['/repositories/acme-dev', `${REPO}/pipelines`, `${REPO}/pullrequests`, `${REPO}/refs/branches`];
    const { off, on } = await offAndOn('no-size-anywhere', () => Promise.all(routes.map(async (route) => (await getJson(`${sandbox.apiUrl}${route}?pagelen=1`)).body)));
    expect(off.map((body) => typeof body.size)).toEqual(routes.map(() => 'number'));
    expect(on.map((body) => 'size' in body)).toEqual(routes.map(() => false));
    expect(on.map((body) => body.next)).toEqual(off.map((body) => body.next));
  });

  it('rate-limit-without-retry-after: the 429 is text/plain as before, without Retry-After', async () => {
    await fetch(`${sandbox.url}/_sandbox/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ perHour: 1 }) });
    try {
      const overBudget = async () => {
        await fetch(`${sandbox.url}/_sandbox/rate-limit/reset`, { method: 'POST' });
        await fetch(`${sandbox.apiUrl}/user`, { headers: AS_DEMO });
        const response = await fetch(`${sandbox.apiUrl}/user`, { headers: AS_DEMO });
        return { status: response.status, retryAfter: response.headers.get('retry-after'), type: response.headers.get('content-type'), text: await response.text() };
      };
      const { off, on } = await offAndOn('rate-limit-without-retry-after', overBudget);
      expect(off).toEqual({ status: 429, retryAfter: expect.stringMatching(/^[0-9]+$/), type: 'text/plain; charset=utf-8', text: 'Rate limit for this resource has been exceeded' });
      expect(on).toEqual({ ...off, retryAfter: null });
    } finally {
      await fetch(`${sandbox.url}/_sandbox/rate-limit`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ perHour: 100_000_000 }) });
      await fetch(`${sandbox.url}/_sandbox/rate-limit/reset`, { method: 'POST' });
    }
  });

  it.each([
    [`${REPO}/pullrequests`, 'comment_count > 0'],
    [`${REPO}/pullrequests`, 'state = "OPEN" AND (task_count = 0 OR id > 1)'],
    ['/workspaces/acme-dev/pullrequests/{5e0d8a1c-0b6f-4a4e-9c53-6d0f0a7e1d01}', 'comment_count > 0'],
    [`${REPO}/refs/tags`, 'target.hash = "abc"'],
    ['/repositories/acme-dev', 'full_name = "acme-dev/platform-api"'],
    ['/repositories/acme-dev', 'created_on > 2020-01-01'],
  ])('bbql-500-on-unverified-fields: %s?q=%s answers 500 in Bitbucket\'s envelope', async (route, q) => {
    const request = async () => {
      const response = await fetch(`${sandbox.apiUrl}${route}?q=${encodeURIComponent(q)}`, { headers: AS_DEMO });
      return { status: response.status, quirk: response.headers.get('x-sandbox-quirk'), body: (await response.json()) as Record<string, unknown> };
    };
    const { off, on } = await offAndOn('bbql-500-on-unverified-fields', request);
    expect(off.status).toBe(200);
    expect(on).toEqual({
      status: 500,
      quirk: 'bbql-500-on-unverified-fields',
      body: { type: 'error', error: { message: 'Something went wrong', detail: expect.stringContaining('bbql-500-on-unverified-fields') } },
    });
  });

  it('bbql-500-on-unverified-fields leaves verified fields alone', async () => {
    await setQuirks(['bbql-500-on-unverified-fields']);
    for (const [route, q] of [[`${REPO}/pullrequests`, 'id > 1 AND created_on > 2020-01-01'], ['/repositories/acme-dev', 'updated_on > 2020-01-01'], [`${REPO}/refs/branches`, 'target.hash = "abc"']]) {
      expect((await getJson(`${sandbox.apiUrl}${route}?q=${encodeURIComponent(q)}`)).status).toBe(200);
    }
  });

  it('forbidden-detail-object: a missing scope answers Bitbucket\'s recorded {required, granted} detail', async () => {
    const url = `${sandbox.apiUrl}${REPO}/pullrequests`;
    const { off, on } = await offAndOn('forbidden-detail-object', () => getJson(url, AS_NARROW_TOKEN));
    const message = 'Your credentials lack one or more required privilege scopes.';
    expect(off).toEqual({ status: 403, body: { type: 'error', error: { message, detail: 'Required scopes: pullrequest. Granted: repository.' } } });
    expect(on).toEqual({ status: 403, body: { type: 'error', error: { message, detail: { required: ['pullrequest'], granted: ['repository'] } } } });
    // The narrow token reads what its scope covers.
    expect((await getJson(`${sandbox.apiUrl}${REPO}/refs/branches?pagelen=1`, AS_NARROW_TOKEN)).status).toBe(200);
  });

  it('forbidden-detail-object: every other 403 gets an object detail too (members-only list, too little access, non-empty project)', async () => {
    const requests = async () => {
      const membersOnly = await getJson(`${sandbox.apiUrl}/workspaces/acme-dev/members`, AS_OTHER);
      const writeResponse = await fetch(`${sandbox.apiUrl}/repositories/blue-harbor/${await blueHarborRepository()}/hooks`, {
        method: 'POST', headers: { ...AS_OTHER, 'content-type': 'application/json' }, body: JSON.stringify({ url: 'https://example.com/hook', events: ['repo:push'] }),
      });
      const tooLittle = { status: writeResponse.status, body: (await writeResponse.json()) as Record<string, unknown> };
      const project = await nonEmptyProjectKey();
      const deleteResponse = await fetch(`${sandbox.apiUrl}/workspaces/acme-dev/projects/${project}`, { method: 'DELETE', headers: AS_DEMO });
      const notEmpty = { status: deleteResponse.status, body: (await deleteResponse.json()) as Record<string, unknown> };
      return [membersOnly, tooLittle, notEmpty].map(({ status, body }) => ({ status, detail: (body.error as Record<string, unknown>).detail }));
    };
    const { off, on } = await offAndOn('forbidden-detail-object', requests);
    expect(off.map(({ status }) => status)).toEqual([403, 403, 403]);
    expect(off.map(({ detail }) => typeof detail)).toEqual(['undefined', 'string', 'string']);
    expect(on).toEqual([
      { status: 403, detail: { required: ['workspace member'], granted: [] } },
      { status: 403, detail: { required: ['admin'], granted: [expect.stringMatching(/^(read|write)$/)] } },
      { status: 403, detail: { reason: off[2].detail } },
    ]);
  });

  it('bbql-millisecond-dates: a literal loses its sub-millisecond digits, so <= drops the row at that instant and > keeps it', async () => {
    const { body } = await getJson(`${sandbox.apiUrl}${REPO}/pullrequests?state=MERGED&pagelen=50&fields=values.id,values.created_on`);
    const pr = (body.values as Array<{ id: number; created_on: string }>).find((candidate) => !/\.\d{3}000/.test(candidate.created_on))!;
    const ids = async (operator: string) => {
      const q = `id = ${pr.id} AND created_on ${operator} ${pr.created_on}`;
      const page = await getJson(`${sandbox.apiUrl}${REPO}/pullrequests?state=MERGED&fields=values.id&q=${encodeURIComponent(q)}`);
      return (page.body.values as Array<{ id: number }>).map((value) => value.id);
    };
    const { off, on } = await offAndOn('bbql-millisecond-dates', async () => ({ le: await ids('<='), gt: await ids('>'), eq: await ids('=') }));
    expect(off).toEqual({ le: [pr.id], gt: [], eq: [pr.id] });
    expect(on).toEqual({ le: [], gt: [pr.id], eq: [] });
  });
});

describe('choosing quirks', () => {
  it('the control API lists, sets and validates quirks; /_sandbox/reset restores the start options', async () => {
    const started = await startTestSandbox({ quirks: ['pipelines-without-next', 'pipelines-without-next'] });
    try {
      const control = `${started.url}/_sandbox/quirks`;
      const put = (body: unknown) => fetch(control, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(await getJson(control)).toEqual({ status: 200, body: { quirks: ['pipelines-without-next'], available: QUIRKS } });
      expect(await (await put({ profile: 'realistic' })).json()).toEqual({ quirks: REALISTIC_QUIRKS });
      expect(await (await put({ quirks: ['no-size-anywhere'], profile: 'ideal' })).json()).toEqual({ quirks: ['no-size-anywhere'] });
      expect((await getJson(`${started.apiUrl}/repositories/acme-dev?pagelen=1`)).body.size).toBeUndefined();

      const refused = await put({ quirks: ['pipelines-without-next', 'no-next'], speed: 1 });
      expect(refused.status).toBe(400);
      const { errors } = (await refused.json()) as { errors: string[] };
      expect(errors).toEqual([expect.stringContaining('Unknown setting "speed"')]);
      const unknownName = (await (await put({ quirks: ['no-next'] })).json()) as { errors: string[] };
      expect(unknownName.errors).toEqual([`quirks: unknown quirk "no-next"; valid quirks are: ${ALL_QUIRKS.join(', ')}`]);
      expect((await getJson(control)).body.quirks).toEqual(['no-size-anywhere']);

      await fetch(`${started.url}/_sandbox/reset`, { method: 'POST' });
      expect((await getJson(control)).body.quirks).toEqual(['pipelines-without-next']);
      await put({ quirks: [] });
      expect(await (await fetch(`${control}/reset`, { method: 'POST' })).json()).toEqual({ quirks: ['pipelines-without-next'] });
    } finally {
      await started.close();
    }
  });

  it('startSandbox({quirks}) refuses an unknown name', async () => {
    await expect(startTestSandbox({ quirks: ['nope' as Quirk] })).rejects.toThrow(`options.quirks: unknown quirk "nope"; valid quirks are: ${ALL_QUIRKS.join(', ')}`);
  });

  it.each<[Record<string, string>, readonly Quirk[]]>([
    [{}, []],
    [{ SANDBOX_PROFILE: 'ideal' }, []],
    [{ SANDBOX_PROFILE: 'realistic' }, REALISTIC_QUIRKS],
    [{ SANDBOX_QUIRKS: ' bbql-millisecond-dates , pipelines-without-next,' }, ['pipelines-without-next', 'bbql-millisecond-dates']],
    [{ SANDBOX_PROFILE: 'realistic', SANDBOX_QUIRKS: 'no-size-anywhere' }, ALL_QUIRKS],
  ])('environment %j → %j', (env, expected) => {
    expect(quirksFromEnv(env)).toEqual(expected);
  });

  it('the realistic profile is every quirk but no-size-anywhere', () => {
    expect(ALL_QUIRKS.filter((quirk) => !REALISTIC_QUIRKS.includes(quirk))).toEqual(['no-size-anywhere']);
  });

  it('an unknown quirk or profile stops sandbox/main.ts with a message listing the valid names', async () => {
    // Spawned without blocking: spawnSync would stall this process's own sandbox for as long as tsx takes to start,
    // and the next request on a kept-alive socket would meet a connection the server has meanwhile closed.
    const run = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      const child = spawn('npx', ['tsx', 'sandbox/main.ts'], {
        cwd: path.resolve(__dirname, '../..'),
        env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_QUIRKS: 'pipelines-without-next,no-next', SANDBOX_PROFILE: 'pessimistic' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const timer = setTimeout(() => child.kill(), 60_000);
      child.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stderr });
      });
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('SANDBOX_PROFILE=pessimistic must be one of: ideal, realistic');
    expect(run.stderr).toContain(`SANDBOX_QUIRKS: unknown quirk "no-next"; valid quirks are: ${ALL_QUIRKS.join(', ')}`);
  }, 70_000);

  it('sandbox/README.md documents every quirk with its evidence row', () => {
    const readme = readFileSync(path.resolve(__dirname, '../../sandbox/README.md'), 'utf8');
    for (const [name, { evidenceRow }] of Object.entries(QUIRKS)) expect(readme).toMatch(new RegExp(`\\| \`${name}\` \\| ${evidenceRow} \\|`));
  });
});

async function blueHarborRepository(): Promise<string> {
  const { body } = await getJson(`${sandbox.apiUrl}/repositories/blue-harbor?pagelen=1&fields=values.slug`, AS_OTHER);
  return (body.values as Array<{ slug: string }>)[0].slug;
}

async function nonEmptyProjectKey(): Promise<string> {
  const { body } = await getJson(`${sandbox.apiUrl}/repositories/acme-dev?pagelen=1&fields=values.project.key`);
  return (body.values as Array<{ project: { key: string } }>)[0].project.key;
}
