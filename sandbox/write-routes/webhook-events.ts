/**
 * The events a webhook may subscribe to: the `webhook_subscription.events` enum of Bitbucket's official description,
 * without the `issue:*` events (the issue tracker was retired on 2026-08-20, CHANGE-3071).
 */
export const WEBHOOK_EVENTS: readonly string[] = [
  'pipeline:span_created',
  'project:updated',
  'pullrequest:approved', 'pullrequest:changes_request_created', 'pullrequest:changes_request_removed',
  'pullrequest:comment_created', 'pullrequest:comment_deleted', 'pullrequest:comment_reopened', 'pullrequest:comment_resolved',
  'pullrequest:comment_updated', 'pullrequest:created', 'pullrequest:fulfilled', 'pullrequest:push', 'pullrequest:rejected',
  'pullrequest:unapproved', 'pullrequest:updated',
  'repo:commit_comment_created', 'repo:commit_status_created', 'repo:commit_status_updated', 'repo:created', 'repo:deleted',
  'repo:fork', 'repo:imported', 'repo:push', 'repo:transfer', 'repo:updated',
];

export const RETIRED_WEBHOOK_EVENTS: readonly string[] = ['issue:comment_created', 'issue:created', 'issue:updated'];
