/**
 * docs/deploy/compose.yaml, the two-replica setup the README shows (issue #14 item 4), is checked without a Docker
 * engine: every variable it gives a replica is a setting src/config.ts reads, the replicas share the secrets and the
 * store, each is built from the repository's Dockerfile, and the load balancer's upstream names both.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { settingsRead } from '../helpers/config-settings';

const ROOT = path.join(__dirname, '../..');
const DEPLOY = path.join(ROOT, 'docs/deploy');

interface Service {
  build?: { context: string; dockerfile?: string } | string;
  image?: string;
  environment?: Record<string, string> | string[];
  volumes?: string[];
  command?: string[] | string;
}
const compose = parse(readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, Service> };
const services = Object.entries(compose.services);
/** The gateway replicas: the services built from this repository. */
const replicas = services.filter(([, service]) => service.build !== undefined);

function environmentOf(service: Service): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)]));
  // The list form: `NAME=value`, or `NAME` alone (passed through from the host).
  return Object.fromEntries(environment.map((entry) => (entry.includes('=') ? [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] : [entry, ''])));
}

test('two gateway replicas, each built from the repository\'s Dockerfile', () => {
  expect(replicas).toHaveLength(2);
  for (const [, { build }] of replicas) {
    const { context, dockerfile = 'Dockerfile' } = typeof build === 'string' ? { context: build } : build!;
    expect(path.resolve(DEPLOY, context)).toBe(ROOT);
    expect(existsSync(path.join(ROOT, dockerfile))).toBe(true);
  }
});

test('every variable a replica is given is a setting src/config.ts reads', () => {
  const read = settingsRead();
  for (const [, service] of replicas) expect(Object.keys(environmentOf(service)).filter((name) => !read.has(name))).toEqual([]);
});

test('the replicas share SKIPTOKEN_SECRET, SESSION_KEYS, PUBLIC_URL and REDIS_URL, and REDIS_URL names the compose Redis/Valkey', () => {
  const [a, b] = replicas.map(([, service]) => environmentOf(service));
  for (const name of ['SKIPTOKEN_SECRET', 'SESSION_KEYS', 'PUBLIC_URL', 'REDIS_URL']) {
    expect(a[name]).toBeTruthy();
    expect(b[name]).toBe(a[name]);
  }
  // Secrets come from the operator's .env, never written in the file.
  expect(a.SKIPTOKEN_SECRET).toMatch(/^\$\{SKIPTOKEN_SECRET:\?/);
  expect(a.SESSION_KEYS).toMatch(/^\$\{SESSION_KEYS:\?/);
  const redisHost = new URL(a.REDIS_URL!).hostname;
  expect(compose.services[redisHost]?.image).toMatch(/^(valkey\/valkey|redis):/);
});

test('the compose Redis/Valkey has a maxmemory and evicts only keys with a lifetime (volatile-*): never a revocation', () => {
  const host = new URL(environmentOf(replicas[0]![1]).REDIS_URL!).hostname;
  const command = compose.services[host]?.command;
  const words = Array.isArray(command) ? command : (command ?? '').split(/\s+/);
  const setting = (name: string) => words[words.indexOf(`--${name}`) + 1];
  expect(words).toContain('--maxmemory');
  // The security records (src/storage/redis-store.ts) have no lifetime; allkeys-* would evict them with the cache.
  expect(setting('maxmemory-policy')).toMatch(/^volatile-(lru|lfu|ttl)$/);
});

test('the load balancer\'s upstream (nginx.conf beside the compose file) names both replicas, and it proxies to it', () => {
  const [name, nginx] = services.find(([, service]) => service.image?.startsWith('nginx:')) ?? [];
  expect(name).toBeDefined();
  const mounted = (nginx!.volumes ?? []).map((volume) => volume.split(':')[0]!).find((source) => source.endsWith('.conf'));
  expect(mounted).toBe('./nginx.conf');
  const conf = readFileSync(path.join(DEPLOY, mounted!), 'utf8');
  const upstream = /upstream\s+(\w+)\s*\{([^}]*)\}/.exec(conf);
  expect(upstream).not.toBeNull();
  const servers = [...upstream![2]!.matchAll(/^\s*server\s+([\w.-]+):(\d+)/gm)].map((match) => `${match[1]}:${match[2]}`);
  // The image listens on PORT, 8080 unless a replica sets it.
  expect(servers.sort()).toEqual(replicas.map(([replica, service]) => `${replica}:${environmentOf(service).PORT ?? '8080'}`).sort());
  expect(conf).toContain(`proxy_pass http://${upstream![1]};`);
});

test('the README\'s "Several replicas" paragraph points to the compose file', () => {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const paragraph = readme.slice(readme.indexOf('**Several replicas'), readme.indexOf('\n\n', readme.indexOf('**Several replicas')));
  expect(paragraph).toContain('(docs/deploy/compose.yaml)');
  expect(paragraph).not.toMatch(/Still per process:[^.]*sign-out/);
});
