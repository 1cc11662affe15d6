/**
 * Specs of what replicas share through Redis need a real Redis server: TEST_REDIS_URL, which `npm test` and `.ci/run`
 * set (scripts/with-test-services.sh starts redis-server). Without it those specs are skipped, loudly, so a
 * developer's run without Redis does not pass for a run that checked them.
 */

/** The Redis server the specs may use, or undefined when none was given. */
export const TEST_REDIS_URL: string | undefined = process.env.TEST_REDIS_URL || undefined;

/** Says, once per call, that `what` is skipped for want of TEST_REDIS_URL. */
export function warnWithoutRedis(what: string): void {
  if (TEST_REDIS_URL) return;
  console.warn(`\n*** TEST_REDIS_URL is not set: ${what} SKIPPED. npm test (scripts/with-test-services.sh) starts redis-server and sets it. ***\n`);
}

/** `describe` when TEST_REDIS_URL is set, else `describe.skip` with a warning naming the block. */
export function describeWithRedis(name: string, body: () => void): void {
  if (TEST_REDIS_URL) {
    describe(name, body);
    return;
  }
  warnWithoutRedis(`"${name}" is`);
  describe.skip(name, body);
}
