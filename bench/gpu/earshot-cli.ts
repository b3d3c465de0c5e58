/**
 * The `earshot` CLI as one bundle entry, for a lent GPU machine that has node but no tsx
 * (bench/gpu/prepare-gpu-bundle.sh). bin/earshot.js does the same through tsx.
 */
import { main } from '../../src/cli/main.ts';

process.exitCode = await main(process.argv);
