/**
 * The gateway's logger: pino (https://getpino.io), one JSON object per line on stderr, behind the small interface the
 * call sites use (`logger.info(message, fields)`), so nothing else imports pino.
 *
 * Each line is `{"level","time","message",...fields}` and, inside a request, its `requestId` (the `X-Request-Id` the
 * answer carries; src/http/observability.ts). Callers pass facts, never headers or credentials, and log URLs only
 * after `redactUrl`; pino's `redact` (https://getpino.io/#/docs/redaction) is the second line: any field that could
 * hold a credential (an `authorization` or `cookie` header, a `password`, a `token`, a `secret`, a gateway key) is
 * written as `[redacted]` wherever it is nested, and the specs scan every line for known credentials
 * (spec/helpers/known-credentials.ts).
 */
import pino from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /**
   * Whether a line at `level` would be written: a caller whose fields cost work to build (the request's line, on
   * every request) builds them only then. Optional: a logger without it is taken to write every level.
   */
  enabled?(level: LogLevel): boolean;
}

/** Where lines go instead of stderr (specs collect them); each call gets one line without its newline. */
export type LogSink = (line: string) => void;

/** Fields added to every line written while `source` says so (the request id inside a request). */
export type LogContext = () => Record<string, unknown> | undefined;

/** Field names that may hold a credential, at the top level, one level down and in headers objects. */
const SECRET_FIELDS = ['authorization', 'cookie', 'password', 'token', 'accessToken', 'refreshToken', 'secret', 'clientSecret', 'apiKey', 'api_key', 'credential'];
export const REDACTED_PATHS: readonly string[] = [
  ...SECRET_FIELDS,
  ...SECRET_FIELDS.map((field) => `*.${field}`),
  ...['authorization', 'cookie', 'set-cookie', 'proxy-authorization'].flatMap((header) => [`headers.${header}`, `*.headers.${header}`, `req.headers.${header}`]),
];

let logContext: LogContext = () => undefined;

/** Set once by the HTTP layer: the fields every line written inside a request carries (its request id). */
export function setLogContext(source: LogContext): void {
  logContext = source;
}

/** The top-level names a redacted path can match (every path begins with one, or with `*`). */
const TOP_LEVEL_SECRETS = new Set(REDACTED_PATHS.filter((path) => !path.startsWith('*')).map((path) => path.split('.')[0]));

/**
 * Whether no redacted path can match anything in `fields`: no top-level name is a secret's or starts a redacted path
 * (`headers`, `req`), and every value is a primitive or an array of primitives, so a `*.name` path has nothing below
 * the top level to match. Then pino's redaction would change nothing, and the line is written without it: it cost
 * ~23 µs of the ~30 µs a request's line costs (pino 10, the request line's fields, 100,000 lines to /dev/null), on
 * every answer at the default LOG_LEVEL=info (issue #15: CPU per answer). Any other line is redacted as before.
 */
function cannotHoldRedacted(fields: Record<string, unknown>): boolean {
  for (const name in fields) {
    if (TOP_LEVEL_SECRETS.has(name)) return false;
    const value = fields[name];
    if (typeof value === 'object' && value !== null) {
      if (!Array.isArray(value)) return false;
      for (const item of value) if (typeof item === 'object' && item !== null) return false;
    }
  }
  return true;
}

export function createLogger(level: LogLevel, sink?: LogSink): Logger {
  const destination = sink ? { write: (line: string) => sink(line.endsWith('\n') ? line.slice(0, -1) : line) } : pino.destination({ fd: 2, sync: true });
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    messageKey: 'message',
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => logContext() ?? {},
  };
  const log = pino({ ...options, redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' } }, destination);
  // The same lines to the same destination, in the same order (both write synchronously), for fields no redacted path
  // can match (cannotHoldRedacted).
  const plain = pino(options, destination);
  const emit = (at: LogLevel) => (message: string, fields: Record<string, unknown> = {}) => {
    if (!log.isLevelEnabled(at)) return;
    (cannotHoldRedacted(fields) ? plain : log)[at](fields, message);
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error'), enabled: (at) => log.isLevelEnabled(at) };
}
