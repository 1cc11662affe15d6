import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';

/**
 * ETags and 304 Not Modified on the resources where Bitbucket is reported to send them (a 2020 community report shows
 * an `ETag` on branches and a 304 to `If-None-Match`; single objects behave alike): a repository, its branches (list
 * and one), a pull request, a commit. The ETag is a strong hash of the JSON body, so it changes exactly when the
 * answer does. Other resources carry none, as on Bitbucket, so a client must cope with both.
 *
 * Whether Bitbucket counts a 304 against the hourly limit is unverified: `SANDBOX_NOT_MODIFIED_COUNTS`
 * (sandbox/auth/rate-limit.ts) models both.
 */
const WITH_ETAG = [
  /^\/repositories\/[^/]+\/[^/]+\/?$/,
  /^\/repositories\/[^/]+\/[^/]+\/refs\/branches(\/.+)?$/,
  /^\/repositories\/[^/]+\/[^/]+\/pullrequests\/\d+\/?$/,
  /^\/repositories\/[^/]+\/[^/]+\/commit\/[^/]+\/?$/,
];

export function hasEtag(path: string): boolean {
  return WITH_ETAG.some((pattern) => pattern.test(path));
}

/** Mounted under /2.0 before the read routes. */
export function createConditionalGet(): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' || !hasEtag(req.path)) {
      next();
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      if (res.statusCode !== 200) return json(body);
      const etag = `"${createHash('sha1').update(JSON.stringify(body)).digest('hex')}"`;
      res.set('ETag', etag);
      const given = req.get('if-none-match');
      if (given !== undefined && given.split(',').some((value) => value.trim().replace(/^W\//, '') === etag)) {
        res.status(304).end();
        return res;
      }
      return json(body);
    };
    next();
  };
}
