// Tests run from TypeScript sources through swc; workspace packages resolve to their src so a
// test never depends on a stale build. Plugins loaded by discovery are imported from their dist.
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
      experimental: { keepImportAttributes: true },
    },
    module: { type: 'es6' },
  },
];

export default {
  testEnvironment: 'node',
  // e2e files are mostly waiting on PostgreSQL and child processes: two files at a time on 2 cores.
  maxWorkers: 2,
  testTimeout: 30_000,
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@nomaflow/contracts$': '<rootDir>/libs/contracts/src/index.ts',
    '^@nomaflow/kernel$': '<rootDir>/libs/kernel/src/index.ts',
    '^@nomaflow/kernel/testing$': '<rootDir>/libs/kernel/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.mjs'],
  testMatch: ['<rootDir>/{libs,plugins,apps,test}/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/package.json'],
};
