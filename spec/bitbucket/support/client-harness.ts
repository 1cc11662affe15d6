import { BitbucketClient, type BitbucketClientOptions, type UpstreamRequestEvent } from '../../../src/bitbucket';
import type { UpstreamCredential } from '../../../src/bitbucket';
import { LocalUpstream } from './local-upstream';

export const TOKEN = 'tok-SECRET-7f3a9c';
export const BEARER: UpstreamCredential = { kind: 'bearer', token: TOKEN };

export interface Harness {
  client: BitbucketClient;
  events: UpstreamRequestEvent[];
  /** Every wait the client asked for (backoff and Retry-After); the fake sleep returns at once. */
  sleeps: number[];
}

/** A client on `origin`/2.0 with a fake sleep, a fixed jitter and events recorded. */
export function makeHarness(origin: string, overrides: Partial<BitbucketClientOptions> = {}): Harness {
  const events: UpstreamRequestEvent[] = [];
  const sleeps: number[] = [];
  const client = new BitbucketClient({
    baseUrl: `${origin}/2.0`,
    timeoutMs: 2000,
    maxRetries: 2,
    maxRetryAfterSeconds: 10,
    backoffBaseMs: 200,
    userAgent: 'bitbucket-odata-spec',
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    onRequest: (event) => events.push(event),
    ...overrides,
  });
  return { client, events, sleeps };
}

/** What `useLocalUpstream` gives a describe block. */
export interface LocalUpstreamSetup {
  upstream: LocalUpstream;
  /** The running test's client: made before each test; a test may replace it (whatever it holds is closed after). */
  harness: Harness;
}

/**
 * The setup the client specs share, registered on the enclosing describe block: a LocalUpstream started once and
 * stopped at the end, its handlers and requests reset before each test, and a fresh harness on it for each test
 * (`overrides` as for makeHarness; `false` for none), closed after it.
 */
export function useLocalUpstream(overrides: Partial<BitbucketClientOptions> | false = {}): LocalUpstreamSetup {
  const setup = { upstream: new LocalUpstream() } as LocalUpstreamSetup;
  beforeAll(() => setup.upstream.start());
  afterAll(() => setup.upstream.stop());
  beforeEach(() => {
    setup.upstream.reset();
    if (overrides !== false) setup.harness = makeHarness(setup.upstream.origin, overrides);
  });
  if (overrides !== false) afterEach(() => setup.harness.client.close());
  return setup;
}

/** Awaits a promise that must reject, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
