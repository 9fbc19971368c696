/** The preview's first half: one jsdom run that writes every scenario's page as HTML (no database). */
/** @type {import('jest').Config} */
module.exports = {
  rootDir: `${__dirname}/../../..`,
  displayName: 'mp-preview',
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/test/miniprogram/preview/*.preview.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'test/miniprogram/tsconfig.json' }] },
};
