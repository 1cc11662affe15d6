import { SandboxHttpError } from '../bitbucket-error';

/**
 * Every 400 the query library raises, in one place. Wording follows Bitbucket where a real answer was observed
 * (cited per entry); elsewhere it is our own and says what to change. See README.md for the evidence.
 */
export const queryErrors = {
  /**
   * Malformed `q`. Bitbucket answers "Syntax error in input (details unknown)" for a query it cannot parse
   * (ktrysmt/go-bitbucket issue #312); we keep that template and fill the parenthesis with what is wrong and where.
   */
  bbqlSyntax: (detail: string): SandboxHttpError => new SandboxHttpError(400, `Syntax error in input (${detail})`),

  /** Unknown or unfilterable field. Observed: `Field ".values.closed_on" does not support filtering` (BCLOUD-22709). */
  fieldNotFilterable: (path: string): SandboxHttpError =>
    new SandboxHttpError(400, `Field "${dotted(path)}" does not support filtering`),

  /** A literal of the wrong type for the field (e.g. `id = "7"`). Not documented by Atlassian; our wording. */
  typeMismatch: (path: string, detail: string): SandboxHttpError =>
    new SandboxHttpError(400, `Invalid value for field "${dotted(path)}": ${detail}`),

  /** Unknown or unsortable `sort` field; worded after the filtering message (not documented by Atlassian). */
  fieldNotSortable: (path: string): SandboxHttpError =>
    new SandboxHttpError(400, `Field "${dotted(path)}" does not support sorting`),

  /** A `sort` value that is not one field with an optional leading `-` ("Only one field can be sorted on"). */
  invalidSort: (sort: string): SandboxHttpError =>
    new SandboxHttpError(
      400,
      `Invalid sort parameter "${sort}": give exactly one field, prefixed with "-" to sort descending`,
    ),

  /** A `fields` entry that cannot be parsed (empty entry, empty path segment, lone prefix). Our wording. */
  invalidFields: (entry: string): SandboxHttpError =>
    new SandboxHttpError(
      400,
      `Invalid fields parameter entry "${entry}": use comma-separated dotted paths, each optionally prefixed with + or -`,
    ),

  /** Observed body exactly: `{"type":"error","error":{"message":"Invalid pagelen"}}` (jenkinsci/bitbucket-branch-source-plugin PR #1182). */
  invalidPagelen: (): SandboxHttpError => new SandboxHttpError(400, 'Invalid pagelen'),

  /**
   * `?page=2/` answered 400 with a 55-byte body (atlassian-python-api issue #801); `{"type": "error", "error":
   * {"message": "Invalid page"}}` is exactly 55 bytes in Python's JSON formatting, so we use that message.
   */
  invalidPage: (): SandboxHttpError => new SandboxHttpError(400, 'Invalid page'),

  /**
   * Quirk `bbql-500-on-unverified-fields`: an unsupported field can answer 500 instead of 400 (BCLOUD-22709). The
   * body of such a 500 is not on record; this is the sandbox's usual 500, with a detail naming the quirk so a test
   * log never mistakes it for a sandbox bug. `X-Sandbox-Quirk` says the same.
   */
  unverifiedFieldServerError: (path: string): SandboxHttpError =>
    new SandboxHttpError(500, 'Something went wrong', {
      detail: `Quirk bbql-500-on-unverified-fields: filtering on "${dotted(path)}" is unverified on Bitbucket Cloud`,
      headers: { 'X-Sandbox-Quirk': 'bbql-500-on-unverified-fields' },
    }),
};

/** Bitbucket prints field paths with a leading dot (`".values.closed_on"`, BCLOUD-22709). */
function dotted(path: string): string {
  return path.startsWith('.') ? path : `.${path}`;
}
