import type { RequestHandler } from 'express';
import { SandboxHttpError } from '../bitbucket-error';
import { isApiRequest } from '../auth/api-path';
import type { FaultState } from './fault-state';
import { delayResponse } from './delay-response';
import { holdResponse } from './hold-response';
import { truncateJsonResponse } from './truncate-response';

export interface FaultDependencies {
  /** How latency is waited (from the request's arrival); tests pass a recorder so no timer runs, or one they release. */
  sleep?: (ms: number) => Promise<void>;
}

/** The server errors a fault answers with, and their bodies in Bitbucket's error envelope. */
const INJECTED_ERRORS: readonly SandboxHttpError[] = [
  new SandboxHttpError(500, 'Something went wrong', { detail: 'Injected by the sandbox (faults.errorRate).' }),
  new SandboxHttpError(502, 'Bad Gateway', { detail: 'Injected by the sandbox (faults.errorRate).' }),
  new SandboxHttpError(503, 'Service Unavailable', { detail: 'Injected by the sandbox (faults.errorRate).' }),
];

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Fault injection for /2.0 requests, driven by the instance's live settings (see `/_sandbox/faults`):
 * at most one of reset (socket destroyed, no answer, once the latency has passed), server error (500/502/503) or
 * truncated JSON body. `latencyMs` is the round trip: the request is handled at once and its answer (an injected error
 * too) is held until `latencyMs` after it arrived, or sent when ready if handling took longer. Waiting first and
 * handling after would add the sandbox's handling to the latency and queue concurrent requests, whose timers fire
 * together, one after another on the machine's cores, where Bitbucket handles them on its own servers in parallel.
 * `responseDelayMs` then holds back the answer the handler produces by that much more (the handler, and so any write,
 * runs at once). Every request draws the same four numbers in the same order whatever the rates, so a given seed and
 * request sequence always meets the same faults.
 */
export function createFaults(state: FaultState, dependencies: FaultDependencies = {}): RequestHandler {
  const sleep = dependencies.sleep ?? defaultSleep;
  return async (req, res, next) => {
    if (!isApiRequest(req)) {
      next();
      return;
    }
    const faults = state.current();
    const [resetDraw, errorDraw, truncateDraw, statusDraw] = [state.draw(), state.draw(), state.draw(), state.draw()];
    const latencyPassed = faults.latencyMs > 0 ? sleep(faults.latencyMs) : undefined;
    if (resetDraw < faults.resetRate) {
      if (latencyPassed !== undefined) await latencyPassed;
      req.socket.destroy();
      return;
    }
    if (errorDraw < faults.errorRate) {
      const error = INJECTED_ERRORS[Math.floor(statusDraw * INJECTED_ERRORS.length)];
      if (latencyPassed !== undefined) holdResponse(res, latencyPassed);
      res.status(error.status).set('X-Sandbox-Fault', 'error').json(error.toBody());
      return;
    }
    if (truncateDraw < faults.truncateRate) truncateJsonResponse(res);
    // Wrapped after truncation, so a delayed answer is cut (if at all) when it finally goes out.
    if (faults.responseDelayMs > 0) delayResponse(res, () => sleep(faults.responseDelayMs));
    // Wrapped last, so it is outermost: the handler's answer is held here first, then delayed and cut as above.
    if (latencyPassed !== undefined) holdResponse(res, latencyPassed);
    next();
  };
}
