/**
 * The declarative shape of an entity set. Every stage (URL validation, planner, $metadata, serializer, connector)
 * reads these declarations; none of them names a particular entity set. A Bitbucket quirk gets a named field here,
 * never a branch in a handler.
 */
import type { WebhookTrigger } from './webhook-trigger';
import type { EdmType } from '../odata/ast';
import type { EdmProperty } from '../odata/edm';

/** BBQL comparison operators (Bitbucket REST intro, "Filtering and sorting"). */
export type BbqlOperator = '=' | '!=' | '~' | '!~' | '>' | '>=' | '<' | '<=';

/** Where a property's value comes from. */
export type PropertySource =
  /** A dotted path into the Bitbucket JSON item, e.g. `author.display_name`. */
  | string
  /** The value of a route parameter the row was fetched under (e.g. the workspace slug of a repository list). */
  | { routeParam: string }
  /** A path whose value is transformed by a named, documented conversion. */
  | { path: string; convert: ValueConversion }
  /**
   * The value of the first of these paths that holds one (not null or absent). Bitbucket keeps one fact under the key
   * of an item's kind (an activity entry's time is `update.date`, `approval.date` or `comment.created_on`), or under
   * one of two ends (a diffstat's path is `new.path`, or `old.path` for a removed file).
   */
  | { firstOf: string[] }
  /**
   * The label of the first path that holds a value: which kind of item this is (an activity entry is an `update`, an
   * `approval`, a `changes_requested` or a `comment`). Null when none does.
   */
  | { labelOfPresent: Record<string, string> };

/**
 * Named conversions from Bitbucket's raw value. Each is implemented once in `row-from-item.ts`.
 * - `full-name-owner` / `full-name-slug`: split `workspace/slug` (Bitbucket's `full_name`).
 * - `array-length`: the number of items of an array (e.g. approvals).
 * - `count-where-approved`: participants with `approved: true`.
 * - `count-where-changes-requested`: participants whose `state` is `changes_requested`.
 * - `join-display-names`: an array of objects with a display name, joined by ", " (spreadsheet friendly).
 * - `join-values`: an array of strings joined by "," (e.g. webhook events).
 * - `date-from-datetime`: the date part of an ISO datetime.
 */
export type ValueConversion =
  | 'full-name-owner'
  | 'full-name-slug'
  | 'array-length'
  | 'count-where-approved'
  | 'count-where-changes-requested'
  | 'join-display-names'
  | 'join-values'
  | 'json';

/** What Bitbucket can evaluate for this property in `q=`. */
export interface FilterPushdown {
  /** BBQL field path, e.g. `source.branch.name`. */
  field: string;
  /**
   * OData operators that translate to a BBQL comparison with *exactly* the same meaning for every value this
   * property can hold (including null). Anything else on this property is evaluated here.
   */
  exact: Array<'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le'>;
  /**
   * `~` is case-insensitive "contains": `contains`, `startswith`, `endswith` on this property may go up as a
   * superset and be re-checked here.
   */
  containsSuperset?: boolean;
}

/** An OData property (name, Edm type, nullability, description; see `EdmProperty`) plus where Bitbucket keeps it. */
export interface PropertyDefinition extends EdmProperty {
  source: PropertySource;
  filter?: FilterPushdown;
  /**
   * BBQL `sort=` field whose order equals ours (numbers, datetimes). Only on non-nullable properties: how Bitbucket
   * orders nulls is undocumented.
   */
  sort?: string;
  /** Path(s) to request in `fields=` when this property is selected; defaults to the source path. */
  fields?: string[];
  /**
   * How a client may write this property: the dotted path in Bitbucket's request body, and on which operations.
   * Absent = read-only (Core.Computed in $metadata; rejected in write bodies). Key properties that fill route
   * parameters need no body path.
   */
  write?: PropertyWrite;
}

export interface PropertyWrite {
  /** Dotted path in Bitbucket's request body, e.g. `source.branch.name`; absent for route-parameter keys. */
  body?: string;
  /** May be given on create (POST). */
  create: boolean;
  /** Must be given on create. */
  required?: boolean;
  /** May be changed by PATCH. */
  update: boolean;
  /** Allowed string values (validated before anything goes upstream). */
  enum?: string[];
  /** Shape of the body value when it is not the plain value: `comma-list` sends `'a,b'` as `["a","b"]`. */
  bodyShape?: 'comma-list';
}

/** A write route: method, path template and where its parameters come from (key properties). */
export interface WriteRoute {
  method: 'POST' | 'PUT' | 'DELETE';
  path: string;
  params: RouteParameter[];
}

/** A Bitbucket verb exposed as an OData bound action, e.g. `PullRequests(...)/Bitbucket.Merge`. */
export interface ActionDefinition {
  name: string;
  description: string;
  route: WriteRoute;
  parameters: Array<{
    name: string;
    type: EdmType;
    nullable: boolean;
    description: string;
    body: string;
    enum?: string[];
  }>;
  /** Whether the action answers the updated entity (re-read after the call) or nothing (204). */
  returnsEntity: boolean;
  /** A write that may be repeated safely (approve twice is still approved): retried like a read. */
  idempotent: boolean;
}

export interface EntityWrites {
  insert?: WriteRoute;
  update?: WriteRoute;
  remove?: WriteRoute;
  /** Why an operation Bitbucket does not offer is refused (405 with this reason; Capabilities say so too). */
  refusals?: Partial<Record<'insert' | 'update' | 'delete', string>>;
  /** Source path of the value compared for `If-Match` (Bitbucket has no ETags; `updated_on` changes on each write). */
  etagSource?: string;
}

/** A Bitbucket route template such as `/repositories/{workspace}/{repo_slug}/pullrequests`. */
export interface RouteParameter {
  /** The `{name}` in the template. */
  name: string;
  /** The key property whose equality fills it (`Workspace`, `RepositorySlug`, `Id`). */
  property: string;
  /**
   * When the query does not fix the property: enumerate this entity set (with the earlier parameters fixed) and
   * call the route once per value, merging the results. Absent = the parameter is required (400 without it).
   */
  fanOut?: {
    entitySet: string;
    property: string;
    parentFilters?: Record<string, string>;
    /**
     * The parent set lists only some of the parents this route accepts (`/user/workspaces` lists the caller's
     * workspaces, while another workspace's public repositories and projects are readable too): a parent it does not
     * list may still exist, so it cannot confirm a spelling or explain a 404.
     */
    listsSome?: boolean;
    /**
     * The parent property holds braced UUIDs (a pipeline's `Uuid`): a braced value is a key, not Bitbucket's UUID
     * alias of a slug (`usableValues` in resolve-streams.ts drops those for slug parameters).
     */
    uuidValues?: boolean;
  };
  /**
   * A value the client names that Bitbucket may not know (an author: `{selected_user}`), with no parent set to list:
   * when the list answers 404, one GET of this path with the value tells whether it names nobody (a 404 again: no
   * rows, as no row can hold it) or the 404 meant something else (an error, as for any list).
   */
  existsAt?: string;
}

export interface ListRoute {
  path: string;
  params: RouteParameter[];
  /** Largest `pagelen` the endpoint accepts (Bitbucket rejects larger with 400 "Invalid pagelen"). */
  maxPagelen: number;
  /** Does the endpoint honour `q=`? (The pipelines list silently ignores it.) */
  supportsQuery: boolean;
  /** Does the endpoint honour `sort=`? */
  supportsSort: boolean;
  /** Does the endpoint support `page=` (list paging)? Cursor-paged lists (commits) only follow `next`. */
  supportsPageNumber: boolean;
  /** Does the envelope carry `size`? */
  reportsSize: boolean;
  /** Query parameters always sent, e.g. every `state` for pull requests (the list shows only OPEN otherwise). */
  fixedQuery?: Record<string, string[]>;
  /** Extra fields to request with `fields=` beyond the selected ones (e.g. `+values.reviewers`). */
  extraFields?: string[];
  /**
   * Without $orderby, rows come in the order Bitbucket lists them within each stream; streams follow the key order
   * of their route values. For lists whose key order Bitbucket cannot produce and whose own order is what people
   * want (commits, newest first). Without $orderby OData asks only for an order that is stable across requests
   * (4.01 Part 1 §11.2.6.3 $top, §11.2.6.4 $skip). Absent: the key order.
   */
  defaultOrder?: 'upstream';
  /**
   * Bitbucket lists each stream newest first by this (non-nullable, date-time) property, as far as is known: a stream
   * then holds no row of a `$filter` lower bound on it (`P ge T`, `P gt T`) after its first row below the bound, and
   * reading may stop there (`lowerBoundStop` in `src/plan/read-strategy.ts`). `documented`: Bitbucket's own
   * description promises the order, so the stop is always made; false: the order is observed, not promised, so the
   * stop is made only for a client that asks for it (`Prefer: bitbucket.trust-newest-first`) and is told it was
   * (`Preference-Applied`). `why` says which, with the source.
   */
  newestFirst?: { property: string; documented: boolean; why: string };
  /**
   * Each upstream item holds a list of this set's rows (a pull request's `participants`): one row per element of the
   * array at `path`, the element itself with its item under `parentAs` (so `pull_request.id` reads the item's `id`).
   * Bitbucket's `size` and `page=` then count items, not rows: such a list declares `reportsSize` and
   * `supportsPageNumber` false. Applied by `listItems` (`src/plan/list-items.ts`) wherever a page's `values` become rows.
   */
  rowsFrom?: { path: string; parentAs: string };
  /**
   * Where each item states, in Bitbucket's own spelling, route values it was listed under but which no property reads
   * (`{ routeParam }`): a string at `path` of the item matched whole against `pattern`, whose `{name}` parts are route
   * parameters (percent-decoded) and `*` any text. A list whose items state every such value is read at once under a
   * parent the client named: its first item confirms the client's spelling or shows another (`PLATFORM-API`: no
   * rows), where otherwise the parent is read by key first (`parentCheckNeeded`, `src/plan/spelled-route-values.ts`).
   * A list of paths is alternatives: the first one the item holds (a diffstat entry's `old` or `new` file).
   */
  spelledIn?: Array<{ path: string | readonly string[]; pattern: string }>;
  /**
   * The list is a function of its parent's revision: a pull request's commits and diffstat of its source and
   * destination commits (src/bitbucket/pull-request-revision.ts says what Bitbucket computes), a pipeline's steps of its
   * state, completion time and build seconds (src/bitbucket/pipeline-revision.ts). Each column names a property of the
   * fan-out's parent set (PullRequests, Pipelines): the fan-out reads them with the parent list (`fields=`, no call
   * more), and a later read of the list reuses the one kept for the same revision instead of calling Bitbucket.
   */
  revisionFrom?: RevisionFrom;
}

/** What a list's parent revision is made of (`ListRoute.revisionFrom`): its kind, and the parent property of each part. */
export type RevisionFrom =
  | { kind: 'pull-request'; columns: Readonly<Record<'state' | 'sourceRepository' | 'sourceBranch' | 'sourceHash' | 'destinationBranch' | 'destinationHash', string>> }
  | { kind: 'pipeline'; columns: Readonly<Record<'state' | 'result' | 'completedOn' | 'buildSecondsUsed', string>> };

export interface GetRoute {
  path: string;
  params: RouteParameter[];
}

export interface NavigationDefinition {
  /** Navigation property name on this entity, e.g. `PullRequests` on Repositories. */
  name: string;
  target: string;
  /** Collection (many) or single entity. */
  collection: boolean;
  /** Target property ← this entity's property, e.g. { Workspace: 'Workspace', RepositorySlug: 'Slug' }. */
  constraints: Record<string, string>;
}

export interface EntitySetDefinition {
  /** Entity set name (plural), e.g. `PullRequests`. */
  name: string;
  /** Entity type name (singular), e.g. `PullRequest`. */
  typeName: string;
  description: string;
  /** Key property names in key order. */
  key: string[];
  /**
   * The property holding Bitbucket's own UUID (`{…}` in braces) when it identifies an entity of this set on its own,
   * across workspaces and repositories. The Dataverse root (src/dataverse/) uses it as the set's one Edm.Guid key;
   * sets without one get a name-based UUID of their composite key there.
   */
  uuidProperty?: string;
  properties: PropertyDefinition[];
  navigation?: NavigationDefinition[];
  /** The collection route; absent only on singletons. */
  list?: ListRoute;
  /**
   * Narrower list routes over the same rows: each lists the rows whose properties hold the values of its parameters
   * that do not fan out, across fewer streams than `list`. The planner takes the first whose such parameters the
   * filter fixes, unless the filter fixes every parameter of `list` (one repository: as narrow). Bitbucket's
   * `/workspaces/{workspace}/pullrequests/{selected_user}` lists one author's pull requests of a whole workspace: one
   * stream per workspace instead of one per repository.
   */
  narrowerLists?: ListRoute[];
  /** Single-entity route; when absent, by-key reads use the list with the key pushed into `q`. A singleton's only route. */
  get?: GetRoute;
  /** Free-text `$search`: the properties searched (case-insensitive contains, evaluated here). */
  searchable?: string[];
  /** A singleton (e.g. `Me`) rather than a collection. */
  singleton?: boolean;
  /** Create/update/delete as far as Bitbucket allows them. */
  writes?: EntityWrites;
  actions?: ActionDefinition[];
  /** Power Automate webhook triggers whose subscriptions are entities of this set (see ./webhook-trigger.ts). */
  triggers?: Array<Omit<WebhookTrigger, 'entitySet'>>;
}
