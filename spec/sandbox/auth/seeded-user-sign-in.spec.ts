import request from 'supertest';
import { createSandbox } from '../../../sandbox/app';
import { DEMO_OAUTH_CONSUMER, DEMO_USER } from '../../../sandbox/identities';

/**
 * `sandbox_user` on the consent page names any seeded user, not only a fixed identity: the only way a client acts as
 * a generated user, such as blue-harbor's owner, whom Bitbucket alone lets install a workspace webhook
 * (bench/refresh.ts does so for change notices).
 */
const sandbox = createSandbox();
const harbor = sandbox.store.findWorkspace('blue-harbor')!;
const owner = sandbox.store.users.find((user) => sandbox.store.findMembership(harbor.uuid, user.uuid)?.permission === 'owner')!;

async function signIn(nickname: string): Promise<request.Response> {
  return request(sandbox.app).get('/site/oauth2/authorize').query({ client_id: DEMO_OAUTH_CONSUMER.clientId, response_type: 'code', sandbox_user: nickname }).redirects(0);
}

async function tokenOf(nickname: string): Promise<string> {
  const approved = await signIn(nickname);
  const code = new URL(approved.headers.location as string).searchParams.get('code')!;
  const issued = await request(sandbox.app).post('/site/oauth2/access_token').auth(DEMO_OAUTH_CONSUMER.clientId, DEMO_OAUTH_CONSUMER.clientSecret).type('form').send({ grant_type: 'authorization_code', code });
  expect(issued.status).toBe(200);
  return issued.body.access_token as string;
}

const hook = { description: 'change notices', url: 'https://odata.example.com/webhooks/bitbucket', active: true, secret: 'a-secret-of-sixteen-chars', events: ['repo:push'] };

describe('sandbox_user naming a seeded user', () => {
  it('signs in as blue-harbor\'s generated owner, who may install a workspace webhook the demo user may not', async () => {
    expect(owner).toBeDefined();
    expect(owner.uuid).not.toBe(DEMO_USER.uuid);
    const token = await tokenOf(owner.nickname);
    const me = await request(sandbox.app).get('/2.0/user').set('Authorization', `Bearer ${token}`);
    expect(me.body.uuid).toBe(owner.uuid);
    const made = await request(sandbox.app).post('/2.0/workspaces/blue-harbor/hooks').set('Authorization', `Bearer ${token}`).send(hook);
    expect(made.status).toBe(201);
    const refused = await request(sandbox.app).post('/2.0/workspaces/blue-harbor/hooks').set('Authorization', `Bearer ${DEMO_USER.bearerToken}`).send(hook);
    expect(refused.status).toBe(403);
  });

  it('still refuses a nickname no one has', async () => {
    const answer = await signIn('nobody-at-all');
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('Unknown sandbox_user');
  });
});
