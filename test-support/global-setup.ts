import { ensureFixtures } from './fixtures/ensure-fixtures.ts';

/** vitest globalSetup: model fixtures exist before any test file runs (paths: test-support/fixture-paths.ts). */
export default function setup(): void {
  ensureFixtures();
}
