import { SandboxHttpError } from '../../../sandbox/bitbucket-error';

/** Runs `action`, expecting a SandboxHttpError with this status and exact Bitbucket error body. */
export function expectSandboxError(action: () => unknown, status: number, message: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(SandboxHttpError);
  const error = thrown as SandboxHttpError;
  expect({ status: error.status, body: error.toBody() }).toEqual({ status, body: { type: 'error', error: { message } } });
}

/** Quotes a value as a BBQL string literal the way a careful client would: backslash-escape `\` and `"`. */
export function bbqlString(value: string): string {
  return `"${value.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}
