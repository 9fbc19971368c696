/**
 * Three projects: unit (pure code, no database), integration (the real database: FerretDB started
 * once by the global setup unless MONGODB_URI names a server; each file uses its own database, so
 * files run in parallel) and miniprogram (pages and components under miniprogram-simulate in jsdom).
 */
const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };

/** @type {import('jest').Config} */
module.exports = {
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  // Integration tests drive real processes, a real database and the chat bot end to end.
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Fails a test during which the application sent a query that no declared index serves.
      setupFilesAfterEnv: ['<rootDir>/test/support/query-guard-setup.ts'],
      transform,
    },
    {
      // The same chat scenarios, over PuppetWecomApp against the fake WeCom server.
      displayName: 'chat-wecom',
      testEnvironment: 'node',
      testMatch: [
        '<rootDir>/test/integration/chat/review-flow.test.ts',
        '<rootDir>/test/integration/chat/identity-and-input.test.ts',
        '<rootDir>/test/integration/chat/resilience.test.ts',
      ],
      setupFiles: ['<rootDir>/test/support/wecom-channel-setup.ts'],
      transform,
    },
    {
      // The mini-program's pages and components under miniprogram-simulate (jsdom, its own tsconfig).
      displayName: 'miniprogram',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/miniprogram/**/*.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/miniprogram/tsconfig.json' }] },
    },
  ],
};
