/**
 * A request's context (src/http/request-context.ts) may outlive its request: async_hooks copies the AsyncLocalStorage
 * store onto every async resource made while the request runs, and some of those live on (timers, pooled sockets). What
 * the context holds must then not hold the request: observability's progress callback was a closure made inside the
 * middleware, whose scope also held `req` and `res`, so every context kept a whole request alive (issue #15: CPU per
 * answer, the garbage collector's share). Real HTTP through express, as the app mounts the middleware.
 */
import express from 'express';
import request from 'supertest';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createObservability } from '../../src/http/observability';
import { newRequestContext, requestContext, type RequestContext } from '../../src/http/request-context';
import { createLogger } from '../../src/logger';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

test('a request context kept after its answer does not keep the request and response alive', async () => {
  const observability = createObservability({ logger: createLogger('warn', () => undefined), bitbucketApiUrl: 'http://127.0.0.1:1/2.0', progressEvery: 100 });
  const kept: RequestContext[] = [];
  let requestRef: WeakRef<object> | undefined;
  let responseRef: WeakRef<object> | undefined;
  const app = express();
  app.use((req, res, next) => {
    requestContext.run(newRequestContext(1000), () => observability.middleware(req, res, next));
  });
  app.get('/odata/Workspaces', (req, res) => {
    // What a long-lived async resource made during the request would keep: its store.
    kept.push(requestContext.getStore() as RequestContext);
    requestRef = new WeakRef(req);
    responseRef = new WeakRef(res);
    res.json({ value: [] });
  });
  const answer = await request(app).get('/odata/Workspaces');
  expect(answer.status).toBe(200);
  expect(kept[0].onUpstreamRequest).toBeDefined();
  for (let round = 0; round < 5 && (requestRef?.deref() !== undefined || responseRef?.deref() !== undefined); round++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  expect(requestRef?.deref()).toBeUndefined();
  expect(responseRef?.deref()).toBeUndefined();
  expect(kept[0].requestId).toBe(answer.headers['x-request-id']);
});
