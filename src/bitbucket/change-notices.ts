/**
 * Bitbucket's webhook events as change notices (issue #14, /work/notes contract): which event keys the gateway uses,
 * what each announces changed, and which cached paths an announcement covers. Data, read by one interpreter
 * (`noticeOf`, `coveredRepositoryOf`): a path no event announces keeps the ordinary freshness window, whatever
 * webhooks are set up, because nothing would ever tell the gateway it changed.
 *
 * Sources: the event keys and payloads are Bitbucket Cloud's "Event payloads"
 * (support.atlassian.com/bitbucket-cloud/docs/event-payloads/); a workspace webhook receives the events of every
 * repository of its workspace (developer.atlassian.com/cloud/bitbucket/rest/api-group-workspaces/, "Create a webhook
 * for a workspace").
 */

/** What a notice marks changed: its repository, or its whole workspace (the repository itself was renamed, moved…). */
export type NoticeScope = 'repository' | 'workspace';

/**
 * A path under `/repositories/{workspace}/{repo_slug}` that an event announces, as segments after the slug: a literal
 * segment, `*` for exactly one segment, `#` for one of digits (a pull request's id), `**` (last only) for one or more.
 * The empty list is the repository itself.
 */
type AnnouncedPath = readonly string[];

interface NoticeEvent {
  /** `X-Event-Key` values, exact, or a prefix ending in `:` (`pullrequest:`: every pull request event). */
  keys: readonly string[];
  scope: NoticeScope;
  announces: readonly AnnouncedPath[];
  /**
   * Also marks every declared workspace: the event may have changed one its payload does not name for sure (a
   * transfer's previous workspace: `previous_workspace` is read when sent, but no public record shows it always is).
   */
  marksEveryWorkspace?: true;
}

const seg = (path: string): AnnouncedPath => (path === '' ? [] : path.split('/'));

/**
 * Event → what it announces changed. Not here, so on the ordinary window: the pull requests that contain a commit
 * (`commit/{commit}/pullrequests`: Bitbucket indexes them after the fact, "202: The repository's pull requests are
 * still being indexed" in its API description, so a read just after pullrequest:created may miss the new one and would
 * be trusted so), pipelines (and their steps), deployments,
 * environments, branch restrictions, default reviewers, webhooks, workspace members, projects, the workspaces a user
 * sees, and a workspace's repository list (who may see which repository changes with permissions, and no event
 * announces a permission change). Pull request tasks are not listed either: no event names them.
 */
export const NOTICE_EVENTS: readonly NoticeEvent[] = [
  {
    // A push moves branches and tags, adds commits (and so changes src, diffs and commit lists), and moves the source
    // commit of the pull requests on the pushed branch.
    keys: ['repo:push'],
    scope: 'repository',
    announces: ['refs', 'refs/branches', 'refs/branches/**', 'refs/tags', 'refs/tags/**', 'commits', 'commits/**', 'commit/*', 'src', 'src/**', 'diff/**', 'diffstat/**', 'patch/**', 'merge-base/**', 'filehistory/**', 'pullrequests', 'pullrequests/*', 'pullrequests/*/commits', 'pullrequests/*/diffstat', 'pullrequests/*/diff', 'pullrequests/*/patch', 'pullrequests/*/activity'].map(seg),
  },
  {
    keys: [
      'pullrequest:created', 'pullrequest:updated', 'pullrequest:approved', 'pullrequest:unapproved',
      'pullrequest:changes_request_created', 'pullrequest:changes_request_removed', 'pullrequest:fulfilled', 'pullrequest:rejected',
      'pullrequest:comment_created', 'pullrequest:comment_updated', 'pullrequest:comment_deleted', 'pullrequest:comment_resolved', 'pullrequest:comment_reopened',
      'pullrequest:push',
    ],
    scope: 'repository',
    announces: ['pullrequests', 'pullrequests/activity', 'pullrequests/*', 'pullrequests/*/activity', 'pullrequests/*/comments', 'pullrequests/*/comments/*', 'pullrequests/*/commits', 'pullrequests/*/diffstat', 'pullrequests/*/diff', 'pullrequests/*/patch'].map(seg),
  },
  {
    keys: ['repo:commit_status_created', 'repo:commit_status_updated'],
    scope: 'repository',
    announces: ['commit/*/statuses', 'commit/*/statuses/**', 'pullrequests/*/statuses'].map(seg),
  },
  {
    // A repository renamed, moved, removed, made: every cached answer of its workspace goes. The repository object
    // itself is not covered all the same: repo:updated is sent for its name, description, website and language
    // ("Event payloads"), not for its project, privacy, main branch or fork policy.
    keys: ['repo:updated', 'repo:deleted', 'repo:created', 'repo:fork', 'repo:imported'],
    scope: 'workspace',
    announces: [],
  },
  {
    // A repository moved out of a workspace: its answers there (under the old full name) must go too.
    keys: ['repo:transfer'],
    scope: 'workspace',
    announces: [],
    marksEveryWorkspace: true,
  },
];

/**
 * Fields of an announced path that no event announces a change of: an answer carrying one is not covered. A pull
 * request's `task_count` (a task made or resolved: Bitbucket's event list, in its API description's webhook
 * subscription enum, has no task event); a branch's merge strategies. So such an answer is covered only when its
 * `fields` list names exactly what it carries (no `+`, `-` or `*`: those keep the default fields, which include
 * them) and none of these.
 */
export const UNANNOUNCED_FIELDS: ReadonlyArray<{ paths: readonly AnnouncedPath[]; fields: readonly string[] }> = [
  { paths: ['pullrequests', 'pullrequests/#'].map(seg), fields: ['task_count'] },
  // A branch's merge strategies are repository settings (the branching model): no event announces their change.
  { paths: ['refs', 'refs/branches', 'refs/branches/**'].map(seg), fields: ['default_merge_strategy', 'merge_strategies'] },
];

/** A notice the gateway applies: who changed, and how widely to mark it. */
export interface ChangeNotice {
  eventKey: string;
  /** `workspace/slug` as Bitbucket sends it (`repository.full_name`). */
  fullName: string;
  workspace: string;
  scope: NoticeScope;
  /** Other workspaces to mark as a whole (a transfer's previous one). */
  alsoWorkspaces: string[];
  /** Mark every workspace whose notices the gateway trusts (see NoticeEvent.marksEveryWorkspace). */
  everyWorkspace?: true;
}

export type NoticeReading = { kind: 'apply'; notice: ChangeNotice } | { kind: 'unused'; eventKey: string } | { kind: 'malformed'; reason: string };

function eventOf(eventKey: string): NoticeEvent | undefined {
  return NOTICE_EVENTS.find((event) => event.keys.includes(eventKey));
}

/** The event key names an event the gateway uses (the receiver counts the others and answers 202). */
export function isUsedEvent(eventKey: string): boolean {
  return eventOf(eventKey) !== undefined;
}

/** What a delivery of `eventKey` with the parsed JSON `body` tells the gateway. */
export function noticeOf(eventKey: string, body: unknown): NoticeReading {
  const event = eventOf(eventKey);
  if (event === undefined) return { kind: 'unused', eventKey };
  const repository = typeof body === 'object' && body !== null ? (body as { repository?: unknown }).repository : undefined;
  const fullName = typeof repository === 'object' && repository !== null ? (repository as { full_name?: unknown }).full_name : undefined;
  if (typeof fullName !== 'string' || !/^[^/\s]+\/[^/\s]+$/.test(fullName)) {
    return { kind: 'malformed', reason: `a ${eventKey} payload carries repository.full_name as "workspace/slug"` };
  }
  const workspace = fullName.split('/', 1)[0];
  // repo:transfer: the repository left another workspace too (its payload's previous_workspace, when sent).
  const previous = (body as { previous_workspace?: { slug?: unknown } }).previous_workspace?.slug;
  const alsoWorkspaces = typeof previous === 'string' && previous !== '' ? [previous] : [];
  return { kind: 'apply', notice: { eventKey, fullName, workspace, scope: event.scope, alsoWorkspaces, ...(event.marksEveryWorkspace ? { everyWorkspace: true as const } : {}) } };
}

function matches(pattern: AnnouncedPath, segments: readonly string[]): boolean {
  for (let index = 0; index < pattern.length; index += 1) {
    if (pattern[index] === '**') return segments.length > index;
    if (index >= segments.length) return false;
    if (pattern[index] === '#' ? !/^\d+$/.test(segments[index]) : pattern[index] !== '*' && pattern[index] !== segments[index]) return false;
  }
  return segments.length === pattern.length;
}

/**
 * Whether the `fields` of a request target name only fields, none of them `unannounced` (see UNANNOUNCED_FIELDS) nor
 * `values` (a list's whole items, default fields and all). A raw `+` is read as `+` (Bitbucket's "default fields
 * plus"), not as the space a form decoder makes of it: `fields=+values.links` keeps every default field.
 */
function fieldsLeaveOut(query: string, unannounced: readonly string[]): boolean {
  const fields = new URLSearchParams(query.replace(/\+/g, '%2B')).getAll('fields');
  if (fields.length === 0) return false;
  const names = fields.flatMap((value) => value.split(',')).map((name) => name.trim());
  return names.every((name) => name !== '' && name !== 'values' && !/^[+-]/.test(name) && !name.includes('*') && !unannounced.some((field) => name.split('.').includes(field)));
}

/**
 * The repository (`workspace`, `slug`, both lower case) whose notices cover a GET of `target` (relative to the API
 * base, with its query), or undefined when no event announces every change of its answer. A workspace or repository
 * named by its UUID (`{…}`) is not covered: notices name repositories by `full_name`, so nothing would mark that path.
 */
export function coveredRepositoryOf(target: string): { workspace: string; slug: string } | undefined {
  const queryAt = target.indexOf('?');
  const pathOnly = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? '' : target.slice(queryAt + 1);
  const match = /^\/repositories\/([^/]+)\/([^/]+)((?:\/[^/]+)*)\/?$/.exec(pathOnly);
  if (!match) return undefined;
  let workspace: string;
  let slug: string;
  let rest: string[];
  try {
    workspace = decodeURIComponent(match[1]).toLowerCase();
    slug = decodeURIComponent(match[2]).toLowerCase();
    rest = match[3] === '' ? [] : match[3].slice(1).split('/').map((part) => decodeURIComponent(part));
  } catch {
    return undefined;
  }
  if (workspace.startsWith('{') || slug.startsWith('{')) return undefined;
  // A dot segment may be resolved by a server on the way (RFC 3986 §5.2.4) into another repository's path, whose
  // notices would not mark this one: `src/../../other/refs/tags` matched `src/**`.
  if ([workspace, slug, ...rest].some((part) => part === '.' || part === '..')) return undefined;
  const covered = NOTICE_EVENTS.some((event) => event.announces.some((pattern) => matches(pattern, rest)));
  if (!covered) return undefined;
  for (const { paths, fields } of UNANNOUNCED_FIELDS) {
    if (paths.some((pattern) => matches(pattern, rest)) && !fieldsLeaveOut(query, fields)) return undefined;
  }
  return { workspace, slug };
}
