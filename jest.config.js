/**
 * Jest runs the TypeScript specs through ts-jest in transpile-only mode; `npm test` type-checks first with tsc.
 *
 * `workerIdleMemoryLimit`: every spec file gets a fresh module registry, but what a file leaves reachable (servers'
 * sockets, caches, timers' closures) stays in the worker's heap, so in one long-lived process the heap grows to
 * gigabytes over the ~160 files and the late files (the differential suite among them) spend their time in GC. With a
 * limit, Jest runs the files in a child worker and replaces it after a file that left it above the limit
 * (https://jestjs.io/docs/configuration#workeridlememorylimit-numberstring); it also stops Jest from running in band.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  testTimeout: 30000,
  workerIdleMemoryLimit: '600MB',
};
