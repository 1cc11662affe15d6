/**
 * Requests are born on the app's own prototypes (src/http/express-server-options.ts): Express 5 changed every request's
 * and response's prototype (`Object.setPrototypeOf` in express/lib/application.js `app.handle`), which made V8 build a
 * new map for each of them and promoted ~7 KB per request to old space (issue #15). The prototype an object has at
 * birth is seen by a 'request' listener put in front of express's.
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { expressServerOptions } from '../../src/http/express-server-options';
import { startGateway, type RunningGateway } from '../../src/server';
import { createLogger } from '../../src/logger';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

interface Born {
  request: object | null;
  response: object | null;
  isIncomingMessage: boolean;
}

/** Records the prototypes of each request and response as Node made them, before any other 'request' listener. */
function recordBirths(server: http.Server): Born[] {
  const births: Born[] = [];
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    births.push({ request: Object.getPrototypeOf(req) as object | null, response: Object.getPrototypeOf(res) as object | null, isIncomingMessage: req instanceof http.IncomingMessage });
  });
  return births;
}

function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ port, path, headers }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

describe('a bare express app with expressServerOptions', () => {
  test('requests are born on app.request/app.response, express keeps them there, and req/res work as express ones', async () => {
    const app = express();
    const seen: Array<{ sameRequest: boolean; sameResponse: boolean; appOfRequest: boolean }> = [];
    app.get('/echo', (req, res) => {
      seen.push({ sameRequest: Object.getPrototypeOf(req) === app.request, sameResponse: Object.getPrototypeOf(res) === app.response, appOfRequest: req.app === app });
      res.status(201).json({ q: req.query.q, header: req.get('x-probe') });
    });
    const options = expressServerOptions(app);
    expect(expressServerOptions(app)).toBe(options);
    const server = http.createServer(options, app);
    const births = recordBirths(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      for (const q of ['a', 'b']) {
        const answer = await get(port, `/echo?q=${q}`, { 'X-Probe': 'yes' });
        expect(answer).toEqual({ status: 201, body: JSON.stringify({ q, header: 'yes' }) });
      }
      expect(births).toEqual([
        { request: app.request, response: app.response, isIncomingMessage: true },
        { request: app.request, response: app.response, isIncomingMessage: true },
      ]);
      expect(seen).toEqual([
        { sameRequest: true, sameResponse: true, appOfRequest: true },
        { sameRequest: true, sameResponse: true, appOfRequest: true },
      ]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('the gateway as npm start runs it (startGateway)', () => {
  let stack: Stack;
  let gateway: RunningGateway;
  beforeAll(async () => {
    stack = await startStack();
    gateway = await startGateway({ ...stack.config, port: 0 }, createLogger('warn', () => undefined));
  });
  afterAll(async () => {
    await gateway?.close();
    await stack?.close();
  });

  test('requests are born on express prototypes (not node:http ones) and OData answers are unchanged', async () => {
    const births = recordBirths(gateway.server);
    const { port } = gateway.server.address() as AddressInfo;
    const answer = await get(port, "/odata/Repositories?$top=1&$select=Slug", { Authorization: DEMO_BEARER });
    expect(answer.status).toBe(200);
    expect((JSON.parse(answer.body) as { value: unknown[] }).value).toHaveLength(1);
    expect(births).toHaveLength(1);
    // Before the fix these were IncomingMessage.prototype and ServerResponse.prototype, changed by express per request.
    expect(births[0].request).not.toBe(http.IncomingMessage.prototype);
    expect(births[0].response).not.toBe(http.ServerResponse.prototype);
    expect(births[0].isIncomingMessage).toBe(true);
    expect(typeof (births[0].request as { get?: unknown }).get).toBe('function'); // express's req.get
    expect(typeof (births[0].response as { send?: unknown }).send).toBe('function'); // express's res.send
  });
});
