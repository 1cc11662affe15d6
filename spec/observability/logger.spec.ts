/** The pino-backed logger keeps the line shape specs and operators read, and redacts credential-named fields. */
import { createLogger } from '../../src/logger';

test('one JSON line per call: level, ISO time, message and the fields; below the level nothing', () => {
  const lines: string[] = [];
  const logger = createLogger('info', (line) => lines.push(line));
  logger.debug('hidden');
  logger.warn('upstream failure', { status: 503, path: '/odata/Commits' });
  expect(lines).toHaveLength(1);
  const entry = JSON.parse(lines[0]) as Record<string, unknown>;
  expect(entry).toMatchObject({ level: 'warn', message: 'upstream failure', status: 503, path: '/odata/Commits' });
  expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  expect(entry).not.toHaveProperty('pid');
  expect(entry).not.toHaveProperty('hostname');
});

test('fields named like a credential are written as [redacted], nested and in headers too', () => {
  const lines: string[] = [];
  createLogger('debug', (line) => lines.push(line)).info('careless call site', {
    authorization: 'Basic dXNlcjpzZWNyZXQ=',
    headers: { authorization: 'Bearer abc', cookie: 'session=xyz', accept: 'application/json' },
    token: 'tok',
    oauth: { clientSecret: 's3cret', refreshToken: 'r1' },
  });
  const text = lines.join('\n');
  for (const secret of ['dXNlcjpzZWNyZXQ=', 'Bearer abc', 'session=xyz', 'tok"', 's3cret', 'r1"']) expect(text).not.toContain(secret);
  expect(JSON.parse(text)).toMatchObject({ headers: { accept: 'application/json', authorization: '[redacted]' }, oauth: { clientSecret: '[redacted]' } });
});

test('enabled(level) says whether a line at that level is written, so costly fields are built only then', () => {
  const logger = createLogger('warn', () => undefined);
  expect(['debug', 'info', 'warn', 'error'].map((level) => logger.enabled?.(level as 'debug' | 'info' | 'warn' | 'error'))).toEqual([false, false, true, true]);
  expect(createLogger('debug', () => undefined).enabled?.('debug')).toBe(true);
});
