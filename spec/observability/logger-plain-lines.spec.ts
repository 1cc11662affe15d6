/**
 * Lines whose fields no redacted path can match are written without pino's redaction (src/logger.ts, issue #15: CPU
 * per answer): they must be the very lines the redacting logger writes, and every line that could hold a credential
 * must still be redacted.
 */
import pino from 'pino';
import { createLogger, REDACTED_PATHS } from '../../src/logger';

/** The logger as it was before: one pino, redacting every line. */
function redactingLines(): { lines: string[]; log: (message: string, fields: Record<string, unknown>) => void } {
  const lines: string[] = [];
  const log = pino(
    {
      level: 'debug',
      base: undefined,
      messageKey: 'message',
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    },
    { write: (line: string) => lines.push(line.slice(0, -1)) },
  );
  return { lines, log: (message, fields) => log.info(fields, message) };
}

const withoutTime = (line: string) => line.replace(/"time":"[^"]*",/, '');

describe('lines written without redaction', () => {
  test.each<[string, Record<string, unknown>]>([
    ['a request line', { requestId: 'a0b1', method: 'GET', path: "/Repositories(Workspace='acme-dev',Slug='x')", query: '%24top=5&api_key=%5Bredacted%5D', route: '/odata/Repositories', status: 200, upstreamRequests: 1, rows: 0, plans: ['Repositories get /repositories/{workspace}/{repo_slug}', 'q="a"'], ms: 3 }],
    ['quotes, backslashes, control and non-ASCII characters', { path: '/a"b\\c\n\t\u0001 é ‘’ 😀 \u2028', long: 'x'.repeat(500) }],
    ['numbers, booleans, null, undefined and empty values', { n: 1.5, big: 1e21, neg: -0, nan: Number.NaN, yes: true, nothing: null, gone: undefined, empty: '', none: [] }],
    ['names that only look like secrets', { tokens: 3, passwordSet: true, Authorization: 'not matched: paths are case-sensitive' }],
    ['no fields', {}],
  ])('%s: the same line as the redacting logger', (_name, fields) => {
    const lines: string[] = [];
    createLogger('debug', (line) => lines.push(line)).info('request', fields);
    const reference = redactingLines();
    reference.log('request', fields);
    expect(lines.map(withoutTime)).toEqual(reference.lines.map(withoutTime));
  });

  test.each<[string, Record<string, unknown>, string]>([
    ['a top-level secret', { token: 'tok-1' }, 'tok-1'],
    ['a secret in headers', { headers: { authorization: 'Bearer abc-2' } }, 'abc-2'],
    ['a secret one level down', { oauth: { clientSecret: 's3cret-3' } }, 's3cret-3'],
    ['a secret in request headers', { req: { headers: { cookie: 'session=xyz-4' } } }, 'xyz-4'],
  ])('%s is still redacted', (_name, fields, secret) => {
    const lines: string[] = [];
    createLogger('debug', (line) => lines.push(line)).warn('careless', fields);
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain(secret);
    expect(lines[0]).toContain('[redacted]');
  });
});
