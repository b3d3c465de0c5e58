import { buildAddon } from '../native/build-addon.ts';
import { ensureFixtures } from './fixtures/ensure-fixtures.ts';

/**
 * vitest globalSetup: model fixtures exist (paths: test-support/fixture-paths.ts) and the
 * ort-values addon is built before any test file runs. The addon is required here (a missing C
 * compiler fails the run), so that the engine's default native path is what the tests exercise.
 */
export default function setup(): void {
  ensureFixtures();
  buildAddon();
}
