/** Shared assertion for the parser specs: the call throws an ODataError with this catalog code and message fragment. */
import { ODataError, type ErrorCode } from '../../../src/odata/errors';

export function expectODataError(run: () => unknown, code: ErrorCode, fragment: string): ODataError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ODataError);
  const error = thrown as ODataError;
  expect({ code: error.code, message: error.message }).toEqual({ code, message: expect.stringContaining(fragment) });
  return error;
}
