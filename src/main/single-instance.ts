import type { App } from 'electron';

/**
 * One Earshot per user: a second launch hands over to the first (which shows its window) and
 * exits. Returns false in the second instance, which must not start anything.
 */
export function acquireSingleInstance(app: Pick<App, 'requestSingleInstanceLock' | 'quit' | 'on'>, onSecondLaunch: () => void): boolean {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return false;
  }
  app.on('second-instance', () => onSecondLaunch());
  return true;
}
