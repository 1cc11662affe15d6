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
 * `maxWorkers`: Jest's default is one worker per core less one, so on the 2-core CI machine one worker ran every file
 * while the other core idled (the gateway and the sandbox of a spec share its one thread). Two workers (cores − 1 where
 * there are more, at most 15) when the machine has a core to spare as Jest starts; one when it has not. A busy machine
 * gives this run's processes one share of CPU however many workers split it (Linux schedules a session's processes as
 * one group, sched_autogroup, enabled on the 2-core machine), so there a second worker adds no CPU: it halves each
 * file's, and files with 30 s test timeouts met them (2026-12-06, load 15–18 on 2 cores: a whole run with two workers
 * had 6 files fail on timeouts; 14 files run twice each way got 0.35–0.41 cores with two workers, 0.28–0.47 with
 * one). The spare CPU is measured, not guessed: the idle time of all cores
 * over 0.4 s (os.cpus()), a core being "spare" when at least 0.75 of one was idle. Files do not see each other when
 * run in parallel: each worker has a Redis database of its own (spec/helpers/with-redis.ts), ports are ephemeral,
 * files go to mkdtemp folders, and one file drives Chromium. `--maxWorkers` on the command line still decides.
 */
const { availableParallelism, cpus } = require('node:os');

function sparedCores(sampleMs) {
  const idle = () => cpus().reduce((sum, cpu) => sum + cpu.times.idle, 0);
  const before = idle();
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, sampleMs);
  return (idle() - before) / sampleMs;
}

const CORES = availableParallelism();
const WORKERS = sparedCores(400) >= 0.75 ? Math.min(15, Math.max(2, CORES - 1)) : 1;

module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  testTimeout: 30000,
  workerIdleMemoryLimit: '600MB',
  maxWorkers: WORKERS,
  // Slow files first in a checkout Jest has no timings of (a fresh clone, .ci/run): see the file.
  testSequencer: '<rootDir>/spec/helpers/slow-first-sequencer.js',
};
