/**
 * Specs of what replicas share through Redis need a real Redis server: TEST_REDIS_URL, which `npm test` and `.ci/run`
 * set (scripts/with-test-services.sh starts redis-server). Without it those specs are skipped, loudly, so a
 * developer's run without Redis does not pass for a run that checked them.
 */

/**
 * The Redis server the specs may use, or undefined when none was given: a database of this Jest worker's own (chosen
 * by JEST_WORKER_ID among databases 1 to 15 of the 16 Redis has), so spec files in parallel workers never see each
 * other's keys. Gateways on the shared store use one prefix (`bbodata:`) and marks that are not per principal (a
 * workspace's cache generation, src/bitbucket/generation-keys.ts): a write in one file would make another file's
 * cached answer stale and cost it an upstream call its counts do not expect. A TEST_REDIS_URL that names a database
 * already is used as it is.
 */
export const TEST_REDIS_URL: string | undefined = workerDatabase(process.env.TEST_REDIS_URL || undefined);

function workerDatabase(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const parsed = new URL(url);
  if (parsed.pathname !== '' && parsed.pathname !== '/') return url;
  parsed.pathname = `/${(Number(process.env.JEST_WORKER_ID ?? '1') % 15) + 1}`;
  return parsed.toString();
}

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
