/**
 * publicBaseOf keeps the last allowed Host's base (issue #15: CPU per answer): the kept one must never let through a
 * Host another config refuses, nor a Host that changed, nor the other protocol.
 */
import type { Request } from 'express';
import { publicBaseOf } from '../../src/http/public-base';

/** The two things publicBaseOf reads of a request. */
function request(host: string | undefined, protocol = 'http'): Request {
  return { get: (name: string) => (name.toLowerCase() === 'host' ? host : undefined), protocol } as unknown as Request;
}

describe('publicBaseOf', () => {
  const listing = { allowedHosts: ['odata.example.com'] };
  const none = { allowedHosts: [] as string[] };

  test.each([
    ['an allowed host, asked again', listing, 'odata.example.com', 'http', 'http://odata.example.com'],
    ['the same host under a config that does not list it', none, 'odata.example.com', 'http', undefined],
    ['the same host again under the listing config', listing, 'odata.example.com', 'http', 'http://odata.example.com'],
    ['the same host over https', listing, 'odata.example.com', 'https', 'https://odata.example.com'],
    ['another host under the same config', listing, 'evil.example.com', 'https', undefined],
    ['a loopback host under no list', none, 'localhost:8080', 'http', 'http://localhost:8080'],
    ['a forged host right after it', none, 'evil.example.com', 'http', undefined],
  ])('%s', (_name, config, host, protocol, base) => {
    // Twice each: the second answer may come from the kept one.
    for (let time = 0; time < 2; time += 1) {
      if (base === undefined) expect(() => publicBaseOf(request(host, protocol), config)).toThrow(/UnknownHost|ALLOWED_HOSTS|host/i);
      else expect(publicBaseOf(request(host, protocol), config)).toBe(base);
    }
  });

  test('PUBLIC_URL wins over any Host', () => {
    expect(publicBaseOf(request('evil.example.com'), { publicUrl: 'https://gw.example.com', allowedHosts: [] })).toBe('https://gw.example.com');
  });
});
