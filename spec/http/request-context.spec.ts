/**
 * A request's context makes its AbortController only when something takes the signal (issue #15: CPU per answer; an
 * answer that calls nothing upstream needs none), and stops the work exactly as an eager one did: a client gone before
 * the signal was taken gives an aborted signal to whatever takes it later, and the first reason stands.
 */
import { ODataError } from '../../src/odata/errors';
import { ClientGone, countUpstreamRequest, newRequestContext, requestContext } from '../../src/http/request-context';

/** Counts the AbortControllers made while `run` runs (the global one, which request-context.ts uses, is wrapped). */
function controllersMadeBy(run: () => void): number {
  const Original = globalThis.AbortController;
  let made = 0;
  globalThis.AbortController = class extends Original {
    constructor() {
      super();
      made += 1;
    }
  };
  try {
    run();
  } finally {
    globalThis.AbortController = Original;
  }
  return made;
}

describe('request context', () => {
  test('no AbortController is made until the signal is taken, and one when it is', () => {
    expect(controllersMadeBy(() => newRequestContext(10))).toBe(0);
    expect(controllersMadeBy(() => newRequestContext(10).clientGone())).toBe(0);
    const context = newRequestContext(10);
    expect(controllersMadeBy(() => [context.abort.signal, context.abort.signal])).toBe(1);
  });

  test('a client gone before the signal was taken: stopped, and the signal is aborted with ClientGone when taken', () => {
    const context = newRequestContext(10);
    expect(context.stopped).toBe(false);
    context.clientGone();
    expect(context.stopped).toBe(true);
    expect(context.abort.signal.aborted).toBe(true);
    expect(context.abort.signal.reason).toBeInstanceOf(ClientGone);
  });

  test('a client gone after the signal was taken aborts it at once; a reason given first stands', () => {
    const taken = newRequestContext(10);
    const signal = taken.abort.signal;
    taken.clientGone();
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toBeInstanceOf(ClientGone);

    const deadline = newRequestContext(10);
    const reason = new ODataError('RequestDeadline', { seconds: 1, calls: 0 });
    deadline.abort.abort(reason);
    deadline.clientGone();
    expect(deadline.stopped).toBe(true);
    expect(deadline.abort.signal.reason).toBe(reason);
  });

  test('the call cap stops the work, unless the client left first (calls counted without the signal taken)', () => {
    const capped = newRequestContext(2);
    requestContext.run(capped, () => {
      countUpstreamRequest();
      expect(capped.stopped).toBe(false);
      countUpstreamRequest();
    });
    expect(capped.stopped).toBe(true);
    expect((capped.abort.signal.reason as ODataError).code).toBe('UpstreamCallCap');

    const gone = newRequestContext(1);
    gone.clientGone();
    requestContext.run(gone, () => countUpstreamRequest());
    expect(gone.abort.signal.reason).toBeInstanceOf(ClientGone);
  });
});
