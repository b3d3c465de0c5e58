import type { LaunchOptions } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.ts';

/** Chromium whose microphone plays `wav` once (then silence), with the permission prompt pre-granted. */
export function fakeMicrophoneLaunch(wav: string): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // No sound card here: without --disable-audio-output every AudioContext waits seconds for one.
    args: [...chromiumArgs, '--disable-audio-output', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${wav}%noloop`],
  };
}
