/**
 * Stops a request's upstream work when its answer no longer matters (request-context.ts says why this matters):
 * the client closed the connection before the answer was sent, or the request deadline passed. The request then
 * fails with the abort's reason at its next upstream call; a client that left gets no answer at all.
 */
import type { Request, Response } from 'express';
import type { Logger } from '../logger';
import { ODataError } from '../odata/errors';
import type { RequestContext } from './request-context';

export function stopWorkWhenAnswerIsMoot(req: Request, res: Response, context: RequestContext, deadlineSeconds: number, logger: Logger): void {
  const deadline = setTimeout(() => {
    if (!context.stopped) context.abort.abort(new ODataError('RequestDeadline', { seconds: deadlineSeconds, calls: context.upstreamRequests }));
  }, deadlineSeconds * 1000);
  deadline.unref();
  res.on('close', () => {
    clearTimeout(deadline);
    if (context.stopped) return;
    // Answered (an error may go out while other streams of a fan-out are still reading): what is still running is moot.
    // Nothing was started that took the signal (no upstream call): nothing is aborted, the signal is made aborted if
    // anything takes it later (request-context.ts).
    const answered = res.writableFinished;
    context.clientGone();
    if (!answered) logger.info('client left before the answer; upstream work stopped', { method: req.method, path: req.path, upstreamRequests: context.upstreamRequests });
  });
}
