/** Jest runs the TypeScript specs through ts-jest in transpile-only mode; `npm test` type-checks first with tsc. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/spec'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json', diagnostics: false }] },
  testTimeout: 30000,
};
