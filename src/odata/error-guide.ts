/**
 * What each catalog error means to the person who gets it: when it is answered and what to do about it. README.md's
 * error table is generated from this and `ERROR_CATALOG` (`npm run docs:errors`), and spec/errors/error-catalog.spec.ts
 * fails when the two drift, as fastify's test keeps `lib/errors.js` and its docs in step
 * (https://github.com/fastify/fastify/blob/main/test/internals/errors.test.js).
 *
 * Typed by `ErrorCode`: a code added to the catalog without an entry here does not compile.
 */
import type { ErrorCode } from './errors';

export interface ErrorGuideEntry {
  /** When the gateway answers this code. */
  when: string;
  /** What the caller (or the operator) can do about it. */
  action: string;
}

export const ERROR_GUIDE: Record<ErrorCode, ErrorGuideEntry> = {
  BadRequest: { when: 'a request is wrong in a way no more specific code names (a gateway key given twice, a key label too long)', action: 'follow the message' },
  InvalidUrl: { when: 'the resource path or its percent-encoding cannot be parsed', action: 'check the entity set name, the key predicate and the encoding' },
  InvalidFilter: { when: '`$filter` is not a valid expression', action: 'fix the expression at the position the message names' },
  InvalidOrderBy: { when: '`$orderby` is not valid (unknown property, a direction other than asc/desc)', action: 'order by property names, e.g. `CreatedOn desc,Id`' },
  InvalidSelect: { when: '`$select` is not valid', action: 'select property names listed in `$metadata`' },
  InvalidQueryOption: { when: 'a system query option has a value it cannot take (`$top=-1`, `$count=yes`)', action: 'give a value of the kind the message names' },
  UnknownQueryOption: { when: 'a `$`-prefixed option is not an OData system query option this service knows', action: 'use one of the supported options the message lists' },
  DuplicateQueryOption: { when: 'a system query option appears twice', action: 'give it once' },
  UnknownNavigationProperty: { when: '`$expand` names something that is not a navigation property', action: 'expand one of the navigation properties the message lists' },
  InvalidExpand: { when: '`$expand` or its nested options are not valid', action: 'fix the part the message names' },
  ExpandTooLarge: { when: 'a collection-valued expansion holds more than `MAX_EXPAND_ROWS` entities for one parent', action: 'add a nested `$top` or `$filter`, or query the related set directly and follow `@odata.nextLink`' },
  UnknownProperty: { when: 'a property in `$filter`, `$orderby`, `$select` or a body does not exist on the type', action: 'use a property the message lists' },
  TypeMismatch: { when: 'an expression compares or combines values of incompatible types (`Id eq \'a\'`)', action: 'use a literal of the property\'s type' },
  InvalidKey: { when: 'a key predicate does not match the entity set\'s key', action: 'give every key property, as the message shows' },
  FilterTooLong: { when: '`$filter` is longer than `MAX_FILTER_LENGTH`', action: 'split the query or simplify the expression' },
  FilterTooDeep: { when: 'an expression nests deeper than `MAX_FILTER_DEPTH`', action: 'flatten the expression (e.g. `in` instead of many `or`s)' },
  UrlTooLong: { when: 'the request URL is longer than the gateway accepts', action: 'shorten the query (e.g. fewer values in an `in` list)' },
  TopTooLarge: { when: '`$top` is larger than `MAX_TOP`', action: 'use a smaller `$top` and follow `@odata.nextLink`' },
  SkipTooLarge: { when: '`$skip` is larger than the limit', action: 'filter instead of skipping, or follow `@odata.nextLink`' },
  FanOutTooWide: { when: 'a query would call Bitbucket once per repository or workspace for more than `MAX_FAN_OUT` of them', action: 'filter on the properties the message names (`Workspace`, `RepositorySlug`)' },
  MissingRequiredFilter: { when: 'a set that Bitbucket lists only under a parent is queried without that parent fixed', action: 'fix the named properties by key or an `eq` filter' },
  InvalidSkipToken: { when: 'a `$skiptoken` is not one this gateway signed for this query and credential, or its position is gone', action: 'start again from the first page' },
  InvalidPreference: { when: 'a `Prefer` header value is not valid (e.g. `odata.maxpagesize=0`)', action: 'fix or drop the preference' },
  InvalidODataVersion: { when: '`OData-MaxVersion` is below 4.0 or `OData-Version` names a version the gateway does not speak', action: 'send `OData-MaxVersion: 4.0` or `4.01`' },
  UnknownHost: { when: 'without `PUBLIC_URL`, a request names a `Host` that is neither loopback nor in `ALLOWED_HOSTS`', action: 'operator: set `PUBLIC_URL` or list the host in `ALLOWED_HOSTS`' },
  UpstreamCallCap: { when: 'a request would spend more than `MAX_UPSTREAM_CALLS_PER_REQUEST` Bitbucket calls', action: 'narrow it with a filter on `Workspace` and `RepositorySlug`, or add `$top`' },
  RequestDeadline: { when: 'a read runs longer than `REQUEST_DEADLINE_SECONDS`; its Bitbucket calls stop', action: 'narrow the query, add `$top`, or ask for smaller pages (`Prefer: odata.maxpagesize`)' },
  TooManyRowsInMemory: { when: 'an answer sorted here alone needs more than `MAX_ROWS_IN_MEMORY` rows', action: 'narrow it, add `$top`, or order by a property Bitbucket sorts' },
  InvalidBody: { when: 'a write body fails its JSON Schema (`schemas/`); `details` lists every problem', action: 'fix each problem listed in `details`' },
  UpstreamRejected: { when: 'Bitbucket refused a write with a 400 (its own validation)', action: 'fix what Bitbucket\'s message says' },
  Unauthorized: { when: 'no credential, a malformed one, or one Bitbucket refuses (401)', action: 'send `Authorization: Basic` (email + API token) or `Bearer`, or sign in again' },
  Forbidden: { when: 'Bitbucket answered 403 (missing scopes or permission), or a cross-site write was refused', action: 'grant the scopes the message names, or use a credential with access' },
  NotFound: { when: 'a path, or a parent the client named, does not exist', action: 'check the path and key values' },
  EntitySetNotFound: { when: 'the path names no entity set or singleton', action: 'use a name from the service document' },
  EntityNotFound: { when: 'no entity has the given key', action: 'check the key values (keys are case-sensitive)' },
  MethodNotAllowed: { when: 'the HTTP method does not apply to the resource (a GET on an action, a write Bitbucket does not offer); `Allow` lists what does', action: 'use a method from `Allow`' },
  NotAcceptable: { when: 'the requested format (`$format`, `Accept`) is not one the gateway writes', action: 'ask for `application/json` (or XML for `$metadata`)' },
  Conflict: { when: 'Bitbucket refused a write because it conflicts with the current state (409)', action: 'read the entity again and retry with the current state in mind' },
  PreconditionFailed: { when: '`If-Match` does not match the entity\'s current `ETag`', action: 'read the entity again and retry with its new `ETag`' },
  UnsupportedMediaType: { when: 'a write body is not `application/json`', action: 'send `Content-Type: application/json`' },
  BodyTooLarge: { when: 'a write body is over 1 MB (refused as soon as it is, and the connection closed)', action: 'send only the properties to write' },
  NotImplemented: { when: 'a valid OData feature this service does not offer (`$batch`, `$search` on a set without it, `$expand=*`)', action: 'use the alternative the message suggests' },
  UpstreamError: { when: 'Bitbucket answered with an unexpected status, or an answer that is not what its API documents', action: 'see Bitbucket\'s status and message in the error; retry later if it is transient' },
  UpstreamUnreachable: { when: 'Bitbucket could not be reached (DNS, connection refused or reset)', action: 'check `BITBUCKET_API_URL` and the network; retry later' },
  UpstreamUnavailable: { when: 'Bitbucket answered 503 (or 5xx after retries)', action: 'retry after `Retry-After` seconds' },
  UpstreamRateLimited: { when: 'Bitbucket\'s rate limit for the credential is used up after bounded retries (429)', action: 'retry after `Retry-After` seconds; filter more so each refresh costs fewer calls' },
  UpstreamBudget: { when: 'the gateway\'s count of the caller\'s Bitbucket hour (per credential or OAuth consumer) says it is spent, under `UPSTREAM_BUDGET_RESERVE` before a request, or past the caller\'s share of a consumer; nothing more is called', action: 'retry after `Retry-After` seconds; filter more so each refresh costs fewer calls' },
  MemoryBusy: { when: 'the rows other answers hold in memory leave no room for this one (`MAX_ROWS_IN_MEMORY`)', action: 'retry after `Retry-After` seconds, or narrow the query' },
  UpstreamTimeout: { when: 'a Bitbucket call took longer than `UPSTREAM_TIMEOUT_MS`', action: 'retry later, or narrow the query' },
  UpstreamNotBitbucket: { when: 'the start-up check found something at `BITBUCKET_API_URL` that does not answer like Bitbucket', action: 'operator: fix `BITBUCKET_API_URL` (it ends in `/2.0`)' },
  UpstreamNotReady: { when: 'the start-up check of `BITBUCKET_API_URL` has not succeeded yet', action: 'retry after `Retry-After` seconds; operator: check `/health`' },
  StoreUnavailable: { when: 'the shared store (`REDIS_URL`) refused a write (`OOM` under `maxmemory` with nothing it may evict), could not be reached or did not answer in time', action: 'retry after `Retry-After` seconds; operator: check `/health`, Redis\'s memory and `maxmemory-policy`' },
  WriteOutcomeUnknown: { when: 'a write was sent but Bitbucket\'s answer was lost (timeout, reset)', action: 'read the entity before retrying, so nothing is created twice' },
  Internal: { when: 'an unexpected failure in the gateway; the log has the reference', action: 'report it with the reference from the message' },
};
