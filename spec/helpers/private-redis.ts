/**
 * A Redis server of the spec's own, for specs that change server-wide settings (`maxmemory`, `maxmemory-policy`):
 * on the shared TEST_REDIS_URL server that would change what another spec file sees if Jest runs files in parallel
 * workers (its default on a machine with more cores). It is redis-server, started on a free loopback port without
 * persistence and stopped by `stop()`; scripts/with-test-services.sh (npm test, .ci/run) installs it. Where it is not
 * installed, `describeWithPrivateRedis` skips its block loudly, as `describeWithRedis` does without TEST_REDIS_URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import Redis from 'ioredis';

export interface PrivateRedis {
  url: string;
  /** A connection for CONFIG and INFO; closed by stop(). */
  admin: Redis;
  stop(): Promise<void>;
}

const installed = spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await new Promise<number>((resolve, reject) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address() as AddressInfo;
      probe.close(() => resolve(free));
    });
    probe.on('error', reject);
  });
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'ignore'] });
  // Connect once it says it is ready (its log on stdout), so no client is left retrying a refused connection.
  await new Promise<void>((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => fail(new Error(`redis-server did not start: ${log.slice(-500)}`)), 10_000);
    const fail = (error: Error) => {
      clearTimeout(timer);
      server.kill();
      reject(error);
    };
    server.once('error', fail);
    server.once('exit', (code) => fail(new Error(`redis-server exited (${code}): ${log.slice(-500)}`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (!log.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      server.removeAllListeners('exit');
      server.removeAllListeners('error');
      server.stdout!.removeAllListeners('data');
      server.stdout!.resume();
      resolve();
    });
  });
  const url = `redis://127.0.0.1:${port}`;
  const admin = new Redis(url);
  return {
    url,
    admin,
    async stop() {
      await admin.quit().catch(() => admin.disconnect());
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill();
      await exited;
    },
  };
}

/** `describe` when redis-server is installed, else `describe.skip` with a warning naming the block. */
export function describeWithPrivateRedis(name: string, body: () => void): void {
  if (installed) {
    describe(name, body);
    return;
  }
  console.warn(`\n*** redis-server is not installed: "${name}" is SKIPPED. npm test (scripts/with-test-services.sh) installs it. ***\n`);
  describe.skip(name, body);
}
