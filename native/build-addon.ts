// Compiles native/ort-values (the OrtValue-keeping companion of onnxruntime-node) with the system C
// compiler. Run by `npm install` (postinstall, --optional: a machine without a compiler keeps the
// pure onnxruntime-node path) and by the addon's tests (which then require it).
// Usage: node --import tsx native/build-addon.ts [--optional] [--force] [--asan]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = join(HERE, 'ort-values', 'ort-values.c');
export const ADDON_PATH = join(HERE, 'build', 'earshot-ort-values.node');

/** A build with AddressSanitizer and UBSan, for checking the C code (see native/README.md). */
export const ASAN_ADDON_PATH = join(HERE, 'build', 'earshot-ort-values.asan.node');

/** Builds the addon unless it is newer than its source; returns its path. Throws when the compiler fails. */
export function buildAddon(force = false, sanitize = false): string {
  if (process.platform !== 'linux') throw new Error(`the ort-values addon is built on Linux only (this is ${process.platform})`);
  const out = sanitize ? ASAN_ADDON_PATH : ADDON_PATH;
  if (!force && existsSync(out) && statSync(out).mtimeMs >= statSync(SOURCE).mtimeMs) return out;
  const napiHeaders = join(dirname(createRequire(import.meta.url).resolve('node-api-headers/package.json')), 'include');
  mkdirSync(dirname(out), { recursive: true });
  const cc = process.env.CC ?? 'cc';
  const args = ['-std=c11', '-pthread', '-fPIC', '-shared', '-Wall', '-Wextra', '-Werror', '-Wno-unused-parameter'];
  args.push(...(sanitize ? ['-O1', '-g', '-fno-omit-frame-pointer', '-fsanitize=address,undefined'] : ['-O2']));
  args.push('-I', napiHeaders, '-I', join(HERE, 'third_party', 'onnxruntime'), '-o', out, SOURCE, '-ldl');
  execFileSync(cc, args, { stdio: 'inherit' });
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const optional = process.argv.includes('--optional');
  try {
    console.log(`ort-values addon: ${buildAddon(process.argv.includes('--force'), process.argv.includes('--asan'))}`);
  } catch (err) {
    if (!optional) throw err;
    console.warn(`ort-values addon not built (${(err as Error).message}); the engine uses onnxruntime-node alone`);
  }
}
