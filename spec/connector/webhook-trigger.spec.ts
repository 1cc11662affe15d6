/**
 * The Power Automate webhook trigger, end to end, done the way the platform does it ("Create a webhook trigger",
 * learn.microsoft.com): read the trigger operation from the served definition, subscribe by calling it with the
 * flow's callback URL in the x-ms-notification-url property and every hidden property at its default, keep the
 * 201's Location, receive Bitbucket's event posts (the sandbox relays them to a local receiver), check each against
 * the trigger's 201 schema, and unsubscribe by DELETE on the Location.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Ajv from 'ajv';
import type { SwaggerDocument } from '../../src/connector';
import type { SwaggerOperation, SwaggerPrimitiveParameter, SwaggerSchema } from '../../src/connector/swagger-types';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** Stands in for Power Automate's callback endpoint: records each post and wakes whoever waits for it. */
class Receiver {
  readonly deliveries: Delivery[] = [];
  private waiters: Array<() => void> = [];
  readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      res.writeHead(202).end();
      // The repository's seeded webhooks hear these writes too (creating a branch is a repo:push): keep the flow's own.
      if (req.headers['x-sandbox-webhook-url'] !== CALLBACK) return;
      this.deliveries.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      for (const wake of this.waiters.splice(0)) wake();
    });
  });

  /** Resolves once `count` deliveries have arrived; rejects after 10 s so a missing delivery fails instead of hanging. */
  async waitFor(count: number): Promise<Delivery[]> {
    const deadline = Date.now() + 10_000;
    while (this.deliveries.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} deliveries, got ${this.deliveries.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
    return this.deliveries;
  }
}

const CALLBACK = 'https://prod-27.westeurope.logic.azure.com/workflows/0f1e/triggers/manual/paths/invoke?api-version=2016-06-01&sig=abc';
const repository = { Workspace: 'acme-dev', Slug: 'platform-api' };

let receiver: Receiver;
let stack: Stack;
let definition: SwaggerDocument;
let trigger: { path: string; operation: SwaggerOperation };

beforeAll(async () => {
  receiver = new Receiver();
  await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
  const { port } = receiver.server.address() as AddressInfo;
  stack = await startStack({ sandbox: { webhookRelayUrl: `http://127.0.0.1:${port}/relay` } });
  definition = (await stack.request.get('/connector/apiDefinition.swagger.json')).body;
  const found = Object.entries(definition.paths).flatMap(([path, item]) => Object.values(item).filter((op) => op['x-ms-trigger']).map((operation) => ({ path, operation })));
  expect(found).toHaveLength(1);
  trigger = found[0];
});
afterAll(async () => {
  await stack.close();
  await new Promise<void>((resolve) => receiver.server.close(() => resolve()));
});

function bodySchema(): SwaggerSchema {
  const body = trigger.operation.parameters.find((p) => p.in === 'body');
  if (!body || !('schema' in body)) throw new Error('the trigger has no body');
  return body.schema;
}

/** What Power Automate sends to subscribe: path values once-encoded, the callback, the chosen event, hidden defaults. */
function subscription(event: string): { url: string; body: Record<string, unknown> } {
  const path = trigger.operation.parameters
    .filter((p): p is SwaggerPrimitiveParameter => p.in === 'path')
    .reduce((filled, p) => filled.replace(`{${p.name}}`, encodeURIComponent(repository[p.name as keyof typeof repository])), trigger.path);
  const body = Object.fromEntries(
    Object.entries(bodySchema().properties ?? {}).flatMap(([name, property]): Array<[string, unknown]> => {
      if (property['x-ms-notification-url']) return [[name, CALLBACK]];
      if (property.enum) return [[name, event]];
      return property.default === undefined ? [] : [[name, property.default]];
    }),
  );
  return { url: `${definition.basePath}${path}`, body };
}

const createPullRequest = (title: string) =>
  stack.request
    .post('/odata/PullRequests')
    .set('Authorization', DEMO_BEARER)
    .send({ Workspace: repository.Workspace, RepositorySlug: repository.Slug, Title: title, SourceBranch: 'feature/trigger', DestinationBranch: 'main' });

test('subscribe, receive the subscribed event as the trigger describes it, and nothing else, then unsubscribe', async () => {
  const head = await stack.request.get(`/odata/Branches(Workspace='acme-dev',RepositorySlug='platform-api',Name='main')`).set('Authorization', DEMO_BEARER);
  await stack.request.post('/odata/Branches').set('Authorization', DEMO_BEARER).send({ Workspace: 'acme-dev', RepositorySlug: 'platform-api', Name: 'feature/trigger', TargetHash: head.body.TargetHash }).expect(201);

  const { url, body } = subscription('pullrequest:created');
  const subscribed = await stack.request.post(url).set('Authorization', DEMO_BEARER).send(body);
  expect(subscribed.status).toBe(201);
  const location = new URL(subscribed.headers.location as string);
  expect(subscribed.body).toMatchObject({ Url: CALLBACK, Events: 'pullrequest:created', Active: true });

  const created = await createPullRequest('Opened while a flow listens');
  expect(created.status).toBe(201);
  const [delivery] = await receiver.waitFor(1);
  expect(delivery.headers['x-event-key']).toBe('pullrequest:created');
  expect(delivery.headers['x-sandbox-webhook-url']).toBe(CALLBACK);
  expect(delivery.headers['x-hook-uuid']).toBe(String(subscribed.body.Uuid).replace(/[{}]/g, ''));
  expect(delivery.body).toMatchObject({ pullrequest: { id: created.body.Id, title: 'Opened while a flow listens' }, repository: { full_name: 'acme-dev/platform-api' } });

  // The trigger's 201 schema is what the designer offers as dynamic content: the payload must fit it.
  const validate = new Ajv({ strict: false, validateFormats: false, allErrors: true }).compile(trigger.operation.responses['201'].schema as object);
  expect({ valid: validate(delivery.body), errors: validate.errors ?? [] }).toEqual({ valid: true, errors: [] });
  const described = trigger.operation.responses['201'].schema?.properties ?? {};
  expect(Object.keys(described)).toEqual(expect.arrayContaining(['actor', 'repository', 'pullrequest']));

  // Another event on the same pull request is not what this flow subscribed to: the next delivery is the next PR.
  await stack.request.post(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=${created.body.Id})/Bitbucket.Approve`).set('Authorization', DEMO_BEARER).send({}).expect(200);
  await stack.request.post(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=${created.body.Id})/Bitbucket.Decline`).set('Authorization', DEMO_BEARER).send({}).expect(200);
  const second = await createPullRequest('Second one');
  const deliveries = await receiver.waitFor(2);
  expect(deliveries.map((d) => [d.headers['x-event-key'], (d.body.pullrequest as { id: number }).id])).toEqual([
    ['pullrequest:created', created.body.Id],
    ['pullrequest:created', second.body.Id],
  ]);

  // Turning the flow off: the platform deletes the Location it was given.
  const unsubscribed = await stack.request.delete(location.pathname + location.search).set('Authorization', DEMO_BEARER);
  expect(unsubscribed.status).toBe(204);
  const remaining = await stack.request.get(`/odata/Webhooks?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api'`).set('Authorization', DEMO_BEARER);
  expect(remaining.body.value.map((hook: { Url: string }) => hook.Url)).not.toContain(CALLBACK);
});

test('a subscription to an event Bitbucket does not know is refused with its reason, and no webhook is left', async () => {
  const { url, body } = subscription('pullrequest:exploded');
  const refused = await stack.request.post(url).set('Authorization', DEMO_BEARER).send(body);
  expect(refused.status).toBe(400);
  expect(refused.body.error.message).toContain('pullrequest:exploded');
  const hooks = await stack.request.get(`/odata/Webhooks?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and contains(Events,'exploded')`).set('Authorization', DEMO_BEARER);
  expect(hooks.body.value).toEqual([]);
});

test('a comment subscription receives the comment with its pull request', async () => {
  const { url, body } = subscription('pullrequest:comment_created');
  const subscribed = await stack.request.post(url).set('Authorization', DEMO_BEARER).send(body);
  expect(subscribed.status).toBe(201);
  const before = receiver.deliveries.length;
  const open = await stack.request.get(`/odata/PullRequests?$filter=Workspace eq 'acme-dev' and RepositorySlug eq 'platform-api' and State eq 'OPEN'&$top=1&$select=Id`).set('Authorization', DEMO_BEARER);
  const id = open.body.value[0].Id as number;
  await stack.request.post(`/odata/PullRequests(Workspace='acme-dev',RepositorySlug='platform-api',Id=${id})/Comments`).set('Authorization', DEMO_BEARER).send({ Content: 'Ship it' }).expect(201);
  const delivery = (await receiver.waitFor(before + 1))[before];
  expect(delivery.headers['x-event-key']).toBe('pullrequest:comment_created');
  expect(delivery.body).toMatchObject({ comment: { content: { raw: 'Ship it' } }, pullrequest: { id } });
  const validate = new Ajv({ strict: false, validateFormats: false }).compile(trigger.operation.responses['201'].schema as object);
  expect(validate(delivery.body)).toBe(true);
});
