import type { BranchRestrictionRecord, WebhookRecord } from '../../seed/records';
import { presentUser } from '../present/present-account';
import { presentBranchRestriction, presentWebhook } from '../present/present-settings';
import { repositoryOf } from '../repository-lookups';
import { collection, MAX_PAGELEN, type AnyRoute } from '../route-declaration';

export const settingsRoutes: AnyRoute[] = [
  // `kind` and `pattern` are this list's own exact filters; no q/sort.
  collection<BranchRestrictionRecord>({
    path: '/repositories/:workspace/:repo/branch-restrictions',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => {
      const kind = ctx.query.get('kind');
      const pattern = ctx.query.get('pattern');
      return repositoryOf(ctx).branchRestrictions.filter((r) => (kind === null || r.kind === kind) && (pattern === null || r.pattern === pattern));
    },
    present: (ctx, r) => presentBranchRestriction(ctx.present, repositoryOf(ctx), r),
  }),
  collection<string>({
    path: '/repositories/:workspace/:repo/default-reviewers',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    list: (ctx) => repositoryOf(ctx).defaultReviewerUuids,
    present: (ctx, uuid) => presentUser(ctx.present, ctx.store.user(uuid)),
  }),
  collection<WebhookRecord>({
    path: '/repositories/:workspace/:repo/hooks',
    target: 'repository',
    paging: 'page',
    maxPagelen: MAX_PAGELEN,
    q: false,
    sort: false,
    deviations: { sizeUnverified: true },
    list: (ctx) => repositoryOf(ctx).webhooks,
    present: (ctx, w) => presentWebhook(ctx.present, repositoryOf(ctx), w),
  }),
];
