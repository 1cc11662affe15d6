import express from 'express';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createFaultControlRouter, createFaults, FaultState, type FaultDependencies } from '../../../sandbox/faults';
import { DEFAULT_SANDBOX_OPTIONS, type FaultOptions } from '../../../sandbox/options';

/** A listing big enough that half of it is clearly not valid JSON. */
export const LISTING = { pagelen: 10, page: 1, values: Array.from({ length: 10 }, (_unused, index) => ({ type: 'repository', slug: `repo-${index}` })) };

export interface FaultTestServer {
  baseUrl: string;
  sleeps: number[];
  /** How many times the /2.0/repositories handler has run. */
  handled(): number;
  close(): Promise<void>;
}

/** Faults in front of a dummy /2.0 listing, plus the control router; listens on 127.0.0.1, port 0. */
export async function startFaultTestServer(
  faults: Partial<FaultOptions> = {},
  seed = DEFAULT_SANDBOX_OPTIONS.seed,
  sleep?: (ms: number) => Promise<void>,
): Promise<FaultTestServer> {
  const state = new FaultState({ ...DEFAULT_SANDBOX_OPTIONS.faults, ...faults }, seed);
  const sleeps: number[] = [];
  let handled = 0;
  // Records each wait; by default it ends at once, so no timer runs.
  const dependencies: FaultDependencies = { sleep: (ms) => (sleeps.push(ms), sleep === undefined ? Promise.resolve() : sleep(ms)) };
  const app = express();
  app.use('/_sandbox/faults', createFaultControlRouter(state));
  app.use(createFaults(state, dependencies));
  app.get('/2.0/repositories', (_req, res) => {
    handled += 1;
    res.json(LISTING);
  });
  app.get('/2.0/text', (_req, res) => {
    res.type('text/plain').send('plain text is never truncated');
  });
  app.get('/site/elsewhere', (_req, res) => {
    res.json(LISTING);
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    sleeps,
    handled: () => handled,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a client saw: the status and headers if any arrived, the bytes received, and how the exchange ended. */
export interface RawOutcome {
  status?: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ending: 'complete' | 'aborted' | 'reset';
}

/** A plain HTTP GET that reports partial bodies and dropped connections instead of throwing them away. */
export function rawGet(url: string): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const request = http.get(url, { agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let settled = false;
      const finish = (ending: RawOutcome['ending']): void => {
        if (settled) return;
        settled = true;
        resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks).toString('utf8'), ending });
      };
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => finish(response.complete ? 'complete' : 'aborted'));
      response.on('aborted', () => finish('aborted'));
      response.on('error', () => finish('aborted'));
      response.on('close', () => finish(response.complete ? 'complete' : 'aborted'));
    });
    request.on('error', () => resolve({ headers: {}, body: '', ending: 'reset' }));
  });
}
