import type { Router } from 'express';
import { SandboxHttpError } from '../bitbucket-error';

/** A removed feature, answered 410 Gone for every method with Bitbucket's deprecation body. */
interface RemovedFeature {
  paths: string[];
  change: string;
  detail: string;
}

/**
 * Features Bitbucket has removed, as data. The body follows the observed CHANGE-2770 answer
 * (ktrysmt/go-bitbucket issue #357): message "CHANGE-XXXX - Functionality has been deprecated", a detail, and
 * `data.announcement_url` both inside `error` and at the top level.
 */
const REMOVED_FEATURES: RemovedFeature[] = [
  {
    // Cross-workspace listings (CHANGE-2770); replaced by GET /user/workspaces (CHANGE-3022).
    paths: ['/workspaces', '/user/permissions/{*rest}', '/user/permissions'],
    change: 'CHANGE-2770',
    detail: 'Please read the changelog entry for more details on the deprecation. Use GET /2.0/user/workspaces instead.',
  },
  {
    // Issue tracker and wikis retired on 2026-08-20 (CHANGE-3071), endpoints included.
    paths: ['issues', 'components', 'milestones', 'versions'].flatMap((name) => [
      `/repositories/:workspace/:repo/${name}`,
      `/repositories/:workspace/:repo/${name}/{*rest}`,
    ]),
    change: 'CHANGE-3071',
    detail: 'Please read the changelog entry for more details on the deprecation. Bitbucket Cloud issue trackers and wikis were retired on 2026-08-20.',
  },
];

export function goneError(change: string, detail: string): SandboxHttpError {
  return new SandboxHttpError(410, `${change} - Functionality has been deprecated`, {
    detail,
    data: { announcement_url: `https://developer.atlassian.com/cloud/bitbucket/changelog/#${change}` },
  });
}

export function mountRemovedRoutes(router: Router): void {
  for (const feature of REMOVED_FEATURES) {
    for (const path of feature.paths) {
      router.all(path, () => {
        throw goneError(feature.change, feature.detail);
      });
    }
  }
}
