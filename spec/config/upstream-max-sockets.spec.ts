/**
 * `UPSTREAM_MAX_SOCKETS` and `FAN_OUT_CONCURRENCY` agree: the pool has room for a query's whole fan-out (by default
 * for four at once), and a pool smaller than one fan-out is refused at start with what to change.
 */
import { ConfigError, loadConfig } from '../../src/config';

test.each([
  { env: {}, fanOut: 4, sockets: 16 },
  { env: { FAN_OUT_CONCURRENCY: '16' }, fanOut: 16, sockets: 64 },
  { env: { FAN_OUT_CONCURRENCY: '32' }, fanOut: 32, sockets: 128 },
  { env: { FAN_OUT_CONCURRENCY: '32', UPSTREAM_MAX_SOCKETS: '32' }, fanOut: 32, sockets: 32 },
  { env: { UPSTREAM_MAX_SOCKETS: '8' }, fanOut: 4, sockets: 8 },
])('$env → fan-out $fanOut, $sockets sockets', ({ env, fanOut, sockets }) => {
  const config = loadConfig(env);
  expect([config.fanOutConcurrency, config.upstreamMaxSockets]).toEqual([fanOut, sockets]);
});

test.each([
  { env: { FAN_OUT_CONCURRENCY: '32', UPSTREAM_MAX_SOCKETS: '16' }, message: 'UPSTREAM_MAX_SOCKETS=16 is below FAN_OUT_CONCURRENCY=32: a fan-out would wait for sockets; give UPSTREAM_MAX_SOCKETS at least 32, or lower FAN_OUT_CONCURRENCY.' },
  { env: { UPSTREAM_MAX_SOCKETS: '0' }, message: 'UPSTREAM_MAX_SOCKETS="0" is not valid: give a whole number from 1 to 1024.' },
])('$message', ({ env, message }) => {
  expect(() => loadConfig(env)).toThrow(ConfigError);
  expect(() => loadConfig(env)).toThrow(message);
});
