/**
 * The upstream socket pool (`UPSTREAM_MAX_SOCKETS`): as many calls in flight as the pool has sockets, never more,
 * over kept-alive connections. Measured as the calls a real server holds at once, not as milliseconds.
 */
import { BEARER, makeHarness, useLocalUpstream } from './support/client-harness';

describe('BitbucketClient socket pool (real HTTP)', () => {
  const { upstream } = useLocalUpstream(false);

  /** Sends `calls` GETs at once; the server holds each until `calls` have arrived or 300 ms pass. Returns the most held at once, and the sockets used. */
  async function peakInFlight(maxSockets: number, calls: number): Promise<{ peak: number; sockets: number }> {
    let inFlight = 0;
    let peak = 0;
    const waiting: Array<() => void> = [];
    const sockets = new Set<unknown>();
    upstream.on('GET /2.0/repositories/acme/web', (req, res) => {
      sockets.add(req.socket);
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      const answer = () => {
        inFlight -= 1;
        res.json({ slug: 'web' });
      };
      waiting.push(answer);
      // Release the whole batch when it is full, or after a while when the pool keeps it smaller.
      if (waiting.length >= Math.min(maxSockets, calls)) waiting.splice(0).forEach((release) => release());
      else setTimeout(() => waiting.splice(0).forEach((release) => release()), 150);
    });
    const harness = makeHarness(upstream.origin, { maxSockets });
    try {
      await Promise.all(Array.from({ length: calls }, () => harness.client.get('/repositories/acme/web', {}, BEARER)));
      // A second round reuses the kept-alive sockets instead of opening new ones.
      await Promise.all(Array.from({ length: calls }, () => harness.client.get('/repositories/acme/web', {}, BEARER)));
    } finally {
      harness.client.close();
    }
    return { peak, sockets: sockets.size };
  }

  test.each([
    [16, 32, 16],
    [32, 32, 32],
    [4, 10, 4],
  ])('maxSockets %i: %i calls at once, %i in flight, on kept-alive sockets', async (maxSockets, calls, expected) => {
    const { peak, sockets } = await peakInFlight(maxSockets, calls);
    expect(peak).toBe(expected);
    expect(sockets).toBe(expected);
  });
});
