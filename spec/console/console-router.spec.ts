/**
 * The console's routes over HTTP (src/http/console-router.ts): what `/` serves, the security headers on every
 * console answer, and that the API's own paths are untouched. The built console (dist/console) must exist:
 * `npm test` builds it first.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import supertest from 'supertest';
import { CONSOLE_CSP, createConsoleRouter, defaultConsoleDir } from '../../src/http/console-router';
import { loadConfig } from '../../src/config';
import { createErrorMiddleware } from '../../src/http/error-middleware';
import { createLogger } from '../../src/logger';
import { DEMO_BEARER, startStack, type Stack } from '../helpers/stack';

let stack: Stack;
beforeAll(async () => {
  if (!existsSync(path.join(defaultConsoleDir(), 'index.html'))) throw new Error('The console is not built: run npm run build:console (npm test does it first).');
  stack = await startStack({ env: { SERVICE_MODE: 'access_token', SERVICE_ACCESS_TOKEN: 'demo-bearer-token' } });
});
afterAll(() => stack.close());

/** The policy as a map of directive → sources. */
function directives(policy: string): Map<string, string[]> {
  return new Map(policy.split(';').map((part) => part.trim().split(/\s+/)).map(([name, ...sources]) => [name as string, sources]));
}

describe('GET / serves the console', () => {
  test('the page, with a strict Content-Security-Policy and no inline script or style', async () => {
    const response = await stack.request.get('/');
    expect(response.status).toBe(200);
    expect(response.type).toBe('text/html');
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    const policy = directives(response.headers['content-security-policy'] as string);
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('connect-src')).toEqual(["'self'"]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(response.headers['content-security-policy']).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['cache-control']).toBe('no-cache');
    // Every script has a src of this origin; no inline script, style element or style attribute.
    const scripts = [...response.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/\bsrc="\/console\/assets\/[^"]+\.js"/);
      expect(body).toBe('');
    }
    expect(response.text).not.toMatch(/<style\b|\sstyle=|\son[a-z]+=/i);
  });

  test('its assets, with the same policy and cached for good (hashed names)', async () => {
    const page = await stack.request.get('/');
    const assets = [...page.text.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.some((asset) => asset.endsWith('.js'))).toBe(true);
    expect(assets.some((asset) => asset.endsWith('.css'))).toBe(true);
    for (const asset of assets) {
      const response = await stack.request.get(asset);
      expect(response.status).toBe(200);
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.headers['cache-control']).toContain('immutable');
    }
    expect((await stack.request.get('/console/assets/nothing.js')).status).toBe(404);
  });

  test('config.json names the feed and the sign-ins this gateway offers', async () => {
    const response = await stack.request.get('/console/config.json');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      serviceRoot: `${new URL(response.request.url).origin}/odata/`,
      bitbucketSignIn: false,
      serviceMode: true,
      connector: { definition: '/connector/apiDefinition.swagger.json', properties: '/connector/apiProperties.json' },
      pbids: '/console/bitbucket-odata.pbids',
    });
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
  });

  test('the .pbids file is a download of the feed', async () => {
    const response = await stack.request.get('/console/bitbucket-odata.pbids').set('Host', 'localhost:8080');
    expect(response.status).toBe(200);
    expect(response.headers['content-disposition']).toBe('attachment; filename=bitbucket-odata.pbids');
    expect(JSON.parse(response.text)).toEqual({
      version: '0.1',
      connections: [{ details: { protocol: 'odata', address: { url: 'http://localhost:8080/odata/' } }, options: {}, mode: null }],
    });
  });

  test('a forged Host gets no links built from it', async () => {
    const response = await stack.request.get('/console/config.json').set('Host', 'evil.example');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('UnknownHost');
  });
});

describe('the API keeps its paths', () => {
  test.each([
    ['GET /odata/', '/odata/', 200],
    ['GET /health', '/health', 200],
    ['GET /connector/apiProperties.json', '/connector/apiProperties.json', 200],
    ['GET /elsewhere', '/elsewhere', 404],
    ['GET /console/', '/console/', 404],
  ])('%s', async (_name, url, status) => {
    const response = await stack.request.get(url).set('Authorization', DEMO_BEARER);
    expect(response.status).toBe(status);
    expect(response.headers['content-security-policy']).toBeUndefined();
  });

  test('POST / is not the console: the API 404, as before', async () => {
    const response = await stack.request.post('/').send({});
    expect(response.status).toBe(404);
    expect(response.body.error.message).toBe('Nothing at /. The OData service root is /odata/.');
  });
});

test('an unbuilt console answers 404 saying how to build it, never an empty page', async () => {
  const app = express();
  app.use(createConsoleRouter({ config: loadConfig({ BITBUCKET_API_URL: 'http://127.0.0.1:9/2.0' }), dir: mkdtempSync(path.join(os.tmpdir(), 'no-console-')) }));
  app.use(createErrorMiddleware(createLogger('error'), 1000));
  const response = await supertest(app).get('/');
  expect(response.status).toBe(404);
  expect(response.body.error.message).toMatch(/The web console is not built .*run npm run build:console/);
  expect(readFileSync(path.join(defaultConsoleDir(), 'index.html'), 'utf8')).toContain('<div id="app">');
});
