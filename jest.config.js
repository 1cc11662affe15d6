/**
 * Jest runs the TypeScript specs through @swc/jest, which strips types file by file (no type checking; `npm test`
 * type-checks the whole project with tsc first). ts-jest in transpile-only mode did the same job but loads the
 * TypeScript compiler into every worker: on 34 spec files from a cold cache it cost 17.7–26.1 s of CPU against
 * 12.0–16.3 s with swc (2026-12-06, run back to back twice on the 2-core CI-sized machine).
 * The options mirror tsconfig.json: ES2022 (native class fields), CommonJS modules.
 *
 * `workerIdleMemoryLimit`: every spec file gets a fresh module registry, but what a file leaves reachable (servers'
 * sockets, caches, timers' closures) stays in the worker's heap, so in one long-lived process the heap grows to
 * gigabytes over the ~200 files and the late files (the differential suite among them) spend their time in GC. With a
 * limit, Jest runs the files in a child worker and replaces it after a file that left it above the limit
 * (https://jestjs.io/docs/configuration#workeridlememorylimit-numberstring); it also stops Jest from running in band.
 *
 * `maxWorkers: 1`: one worker, as Jest's default (cores − 1) gives on the 2-core CI machine. Two workers were tried
 * (2026-12-06): files do not see each other when run in parallel (each worker has a Redis database of its own,
 * spec/helpers/with-redis.ts; ports are ephemeral; files go to mkdtemp folders), but CI is a busy machine, and a
 * session's processes share one CPU group there (sched_autogroup), so a second worker adds no CPU and halves each
 * file's: a whole run with two workers at load 15–18 had 6 files fail on their 30 s / 120 s test timeouts and on
 * 50–300 ms timeouts inside tests, where one worker passed them all. Choosing two only when a core is idle as Jest
 * starts was tried as well and dropped: the load can rise after the choice, and a suite whose worker count depends on
 * the moment it starts is not one CI result. On a machine with a core to spare, `npx jest --maxWorkers=2` should be
 * faster (not measured on an idle machine yet); the slow files then go first (spec/helpers/slow-first-sequencer.js).
 */
module.exports = {
  // Jest's node environment, keeping the sandbox's seeds across the spec files of a worker: see the file.
  testEnvironment: '<rootDir>/spec/helpers/spec-environment.js',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  workerIdleMemoryLimit: '600MB',
  maxWorkers: 1,
  // Slow files first in a checkout Jest has no timings of (a fresh clone, .ci/run): see the file.
  testSequencer: '<rootDir>/spec/helpers/slow-first-sequencer.js',
};
