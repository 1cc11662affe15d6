import type { RunningSandbox } from '../../../sandbox/app';
import { getJson, startTestSandbox } from '../sandbox-fixture';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox.close());

describe('removed features answer 410 with the changelog body', () => {
  it.each([
    ['/workspaces', 'CHANGE-2770'],
    ['/user/permissions/workspaces', 'CHANGE-2770'],
    ['/user/permissions/repositories', 'CHANGE-2770'],
    ['/repositories/acme-dev/platform-api/issues', 'CHANGE-3071'],
    ['/repositories/acme-dev/platform-api/issues/1/comments', 'CHANGE-3071'],
    ['/repositories/acme-dev/platform-api/milestones', 'CHANGE-3071'],
  ])('GET %s → 410 %s', async (path, change) => {
    const { status, body } = await getJson(`${sandbox.apiUrl}${path}`);
    expect(status).toBe(410);
    const announcement = { announcement_url: `https://developer.atlassian.com/cloud/bitbucket/changelog/#${change}` };
    expect(body).toEqual({
      type: 'error',
      error: { message: `${change} - Functionality has been deprecated`, detail: expect.any(String), data: announcement },
      data: announcement,
    });
  });
});

describe('unknown routes answer a loud 404', () => {
  it.each([
    ['GET', '/repositories/acme-dev/platform-api/pullrequests/1/tasks'],
    ['GET', '/pullrequests/everything'],
    ['POST', '/repositories/acme-dev/platform-api/frobnicate'],
  ])('%s %s names the method and route', async (method, path) => {
    const response = await fetch(`${sandbox.apiUrl}${path}?q=x`, { method });
    const body = (await response.json()) as { type: string; error: { message: string } };
    expect(response.status).toBe(404);
    expect(body.type).toBe('error');
    expect(body.error.message).toContain(`${method} /2.0${path}`);
  });
});
