import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'src/**/*.test.tsx', 'eslint-rules/**/*.test.ts', 'test-support/**/*.test.ts', 'bench/**/*.test.ts', 'training/**/*.test.ts'],
    exclude: ['e2e/**', 'node_modules/**', 'out/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    globalSetup: ['test-support/global-setup.ts'],
  },
});
