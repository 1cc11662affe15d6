/**
 * `POST /webhooks/bitbucket`: Bitbucket's webhook deliveries as change notices (issue #14; what they mean is
 * src/bitbucket/change-notices.ts, what they do is src/bitbucket/notice-trust.ts). Outside /odata and without a
 * credential: Bitbucket sends none. What authenticates a delivery is its signature, `X-Hub-Signature:
 * sha256=<hex HMAC-SHA256(secret, raw body)>` (bitbucket.org/blog/enhanced-webhook-security), checked over the bytes
 * as received, in constant time, before the body is parsed.
 *
 * Answers: 204 applied; 202 an event the gateway does not use (counted); 401 a missing or wrong signature (nothing
 * applied, no detail: a prober learns nothing; one missing or not of Bitbucket's form before the body is read); 400 a signed delivery without `X-Event-Key`, a body that is not JSON, or a
 * used event without `repository.full_name` (and every trust is withdrawn, on every replica before the answer: what it
 * announced is unknown); 413 a body over the limit; 503 when the store refused the mark, or the new trust epoch of a
 * delivery it cannot read (Bitbucket tries a delivery
 * three times in all, support.atlassian.com/bitbucket-cloud/docs/event-payloads/, so it is sent again). Never logged:
 * the secret, the signature, the body.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router, type ErrorRequestHandler, type RequestHandler } from 'express';
import { noticeOf } from '../bitbucket/change-notices';
import type { NoticeTrust } from '../bitbucket/notice-trust';
import type { Logger } from '../logger';
import { ODataError } from '../odata/errors';
import { refuseOversizedBody } from './body-limit';

/**
 * Twice Bitbucket's own cap ("Webhook payload is limited to 256 KB. Webhooks may silently fail to trigger if their
 * payload is too large": support.atlassian.com/bitbucket-cloud/docs/troubleshoot-webhooks/), so that no reading of
 * "KB" (1,000 or 1,024 bytes) or of how Bitbucket counts it refuses a delivery it does send: that notice would be lost
 * and its repository's answers trusted, stale, for up to WEBHOOK_TRUST_SECONDS. It bounds what a sender without the
 * secret makes the gateway buffer and hash per request (1 MiB before; an HMAC over 512 KiB is about 0.35 ms of CPU).
 */
export const MAX_NOTICE_BYTES = 512 * 1024;

export const WEBHOOK_PATH = '/webhooks/bitbucket';

export const changeNoticeMetrics = {
  received: 0,
  rejected: 0,
  applied: 0,
  /** Deliveries by `X-Event-Key` (every delivery with a valid signature; a short, fixed vocabulary). */
  byEvent: new Map<string, number>(),
};

export interface ChangeNoticeReceiverOptions {
  secret: string;
  trust: NoticeTrust;
  logger: Logger;
}

/** `sha256=` and 64 hex digits, as Bitbucket sends it; anything else is no signature. */
const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The hex digest of an `X-Hub-Signature` of Bitbucket's form; undefined for anything else (absent, other algorithm). */
function digestOf(header: string | undefined): string | undefined {
  return header === undefined ? undefined : SIGNATURE.exec(header.trim())?.[1];
}

function signedWith(secret: Buffer, body: Buffer, header: string | undefined): boolean {
  const given = digestOf(header);
  if (given === undefined) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, 'hex'), expected);
}

export function createChangeNoticeReceiver({ secret, trust, logger }: ChangeNoticeReceiverOptions): Router {
  const key = Buffer.from(secret, 'utf8');
  const router = Router();
  // Bounded: unverified headers go into a log line and (once verified) a metric label.
  const idsOf = (req: Parameters<RequestHandler>[0]) => ({ eventKey: (req.get('x-event-key') ?? '').slice(0, 64), requestUuid: (req.get('x-request-uuid') ?? '').slice(0, 64) });
  // Logged all the same: a webhook made without the secret sends no signature, and this line is how its owner learns.
  const unsigned: RequestHandler = (req, _res, next) => {
    changeNoticeMetrics.rejected += 1;
    logger.info('change notice rejected', { ...idsOf(req), reason: 'signature' });
    next(new ODataError('Unauthorized', { message: 'The delivery is not signed with the webhook secret this gateway was given.' }));
  };
  // No signature of Bitbucket's form: there is nothing to check the body against, so it is refused before it is read
  // (nothing buffered, nothing hashed), and the connection is closed (Node would otherwise read the rest off it to
  // reuse it). The same 401 as a wrong signature: a prober learns nothing.
  const signatureFirst: RequestHandler = (req, res, next) => {
    if (digestOf(req.get('x-hub-signature')) !== undefined) {
      next();
      return;
    }
    changeNoticeMetrics.received += 1;
    res.set('Connection', 'close');
    unsigned(req, res, next);
  };
  const receive: RequestHandler = (req, res, next) => {
    changeNoticeMetrics.received += 1;
    const { eventKey, requestUuid } = idsOf(req);
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!signedWith(key, body, req.get('x-hub-signature'))) {
      unsigned(req, res, next);
      return;
    }
    // Counted once the sender is known to hold the secret: a stranger cannot grow this map with made-up keys.
    changeNoticeMetrics.byEvent.set(eventKey, (changeNoticeMetrics.byEvent.get(eventKey) ?? 0) + 1);
    // From here the sender holds the secret: a delivery it cannot read may have announced any change, so every trust
    // is withdrawn (a proxy dropping X-Event-Key would otherwise turn every notice into an unused event, unseen).
    // Answered once the new trust epoch is in the shared store: no replica serves a trusted answer after this 400, and
    // Bitbucket's next delivery comes after it. A store that refuses it makes this a 503 (StoreUnavailable), as a notice
    // it refuses to mark is: sent again by Bitbucket, and this replica trusts nothing until the epoch is written.
    const unreadable = (reason: string, message: string) => {
      changeNoticeMetrics.rejected += 1;
      logger.info('change notice rejected', { eventKey, requestUuid, reason });
      trust.missed().then(
        () => next(new ODataError('BadRequest', { message })),
        (error: unknown) => {
          logger.info('change notice not applied', { eventKey, requestUuid, reason: 'store' });
          next(error);
        },
      );
    };
    if (eventKey === '') {
      unreadable('event key', 'The delivery has no X-Event-Key header; Bitbucket sends the event key with every delivery.');
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      unreadable('json', 'The delivery body is not JSON; Bitbucket sends a JSON event payload.');
      return;
    }
    const reading = noticeOf(eventKey, parsed);
    if (reading.kind === 'unused') {
      logger.info('change notice not used', { eventKey, requestUuid });
      res.status(202).end();
      return;
    }
    if (reading.kind === 'malformed') {
      unreadable('payload', `The delivery is not a Bitbucket event payload: ${reading.reason}.`);
      return;
    }
    trust.apply(reading.notice).then(
      () => {
        changeNoticeMetrics.applied += 1;
        logger.info('change notice', { eventKey, repository: reading.notice.fullName, scope: reading.notice.scope, requestUuid });
        res.status(204).end();
      },
      (error: unknown) => {
        logger.info('change notice not applied', { eventKey, repository: reading.notice.fullName, requestUuid, reason: 'store' });
        next(error);
      },
    );
  };
  // The parser's own refusals (a body over the limit) as the catalog's errors.
  const parserErrors: ErrorRequestHandler = (error: { type?: string }, _req, _res, next) => {
    next(error?.type === 'entity.too.large' ? new ODataError('BodyTooLarge', { limit: MAX_NOTICE_BYTES }) : error);
  };
  router.post(WEBHOOK_PATH, refuseOversizedBody(MAX_NOTICE_BYTES), signatureFirst, express.raw({ type: () => true, limit: MAX_NOTICE_BYTES }), parserErrors, receive);
  return router;
}
