/**
 * The web console (console/, built by Vite into dist/console): `GET /` is its page, `/console/assets/*` its hashed
 * scripts and styles, `/console/config.json` what the page needs to know about this gateway, and
 * `/console/bitbucket-odata.pbids` a Power BI data source file for the feed. Only GET and HEAD; every other path
 * falls through to the API's own routes and 404.
 *
 * Every answer carries a strict Content-Security-Policy: scripts and styles from this origin only, no inline script
 * or style, no plugins, no framing, requests to this origin only (W3C CSP Level 3; OWASP "Content Security Policy
 * Cheat Sheet"). The page calls the same /odata, /auth and /connector URLs as any client, with the same cookie
 * (SameSite=Lax) and the same cross-site write refusal (src/credentials/credential-middleware.ts).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { Router, type Response } from 'express';
import type { GatewayConfig } from '../config';
import { ODataError } from '../odata/errors';
import { publicBaseOf } from './public-base';

export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The folder holding package.json, from this file in src/http (tsx, jest) or in dist/src/http (npm start). */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

/** Where `npm run build:console` writes the console (vite.config: build.outDir). */
export function defaultConsoleDir(): string {
  return path.join(packageRoot(), 'dist', 'console');
}

function secure(res: Response): void {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'X-Frame-Options': 'DENY',
  });
}

export interface ConsoleRouterOptions {
  config: GatewayConfig;
  /** The built console; specs may point elsewhere. */
  dir?: string;
}

/** What the page reads at start: the feed address and which sign-ins this gateway offers. */
export interface ConsoleConfig {
  serviceRoot: string;
  /** `/auth/login` works (OAUTH_CLIENT_ID is set). */
  bitbucketSignIn: boolean;
  /** Requests without a credential act as the gateway's own identity (SERVICE_MODE; always in `npm run demo`). */
  serviceMode: boolean;
  connector: { definition: string; properties: string };
  pbids: string;
}

export function createConsoleRouter({ config, dir = defaultConsoleDir() }: ConsoleRouterOptions): Router {
  const router = Router();
  const index = path.join(dir, 'index.html');

  router.get('/', (_req, res) => {
    secure(res);
    if (!existsSync(index)) {
      throw new ODataError('NotFound', { message: `The web console is not built (no ${index}): run npm run build:console. The OData service root is /odata/.` });
    }
    // The page names its hashed assets, so it is revalidated; the assets themselves never change.
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });

  router.use(
    '/console/assets',
    (req, res, next) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        next('router');
        return;
      }
      secure(res);
      next();
    },
    express.static(path.join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d', redirect: false }),
  );

  router.get('/console/config.json', (req, res) => {
    secure(res);
    const base = publicBaseOf(req, config);
    const body: ConsoleConfig = {
      serviceRoot: `${base}/odata/`,
      bitbucketSignIn: config.oauthClient !== undefined,
      serviceMode: config.serviceMode !== undefined,
      connector: { definition: '/connector/apiDefinition.swagger.json', properties: '/connector/apiProperties.json' },
      pbids: '/console/bitbucket-odata.pbids',
    };
    res.set('Cache-Control', 'no-store').json(body);
  });

  // Power BI Desktop opens a .pbids file straight into Get Data with the source filled in ("Using Power BI data
  // source (.pbids) files", learn.microsoft.com/power-bi/connect-data/desktop-data-sources#using-pbids-files).
  router.get('/console/bitbucket-odata.pbids', (req, res) => {
    secure(res);
    const pbids = {
      version: '0.1',
      connections: [{ details: { protocol: 'odata', address: { url: `${publicBaseOf(req, config)}/odata/` } }, options: {}, mode: null }],
    };
    res
      .set('Cache-Control', 'no-store')
      .attachment('bitbucket-odata.pbids')
      .type('application/json')
      .send(JSON.stringify(pbids, null, 2) + '\n');
  });
  return router;
}
