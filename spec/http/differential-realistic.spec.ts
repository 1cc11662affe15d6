/**
 * The differential suite against the Bitbucket that exists: the gateway under test faces a sandbox with every quirk
 * the evidence reports (`SANDBOX_PROFILE=realistic`: pipelines without `next`, lists without `size`, 500 on BBQL over
 * unverified fields, millisecond BBQL dates, …), while the oracle reads the same seeded data from a well-behaved
 * sandbox. The same queries must give the same answers; a quirk may cost calls, never rows. `no-size-anywhere` is
 * added on top of the profile: a count must never depend on Bitbucket reporting one. Twelve queries per set (the
 * well-behaved run has 26): the quirks act on every query, so fewer still reach each of them, and the suite stays fast.
 */
import { REALISTIC_QUIRKS } from '../../sandbox/options';
import { startStack } from '../helpers/stack';
import { describeDifferential } from './support/differential-suite';

describeDifferential('differential on the realistic profile: same answers as over a well-behaved Bitbucket', {
  gateway: () => startStack({ sandbox: { quirks: [...REALISTIC_QUIRKS, 'no-size-anywhere'] } }),
  oracle: () => startStack(),
}, 12);
