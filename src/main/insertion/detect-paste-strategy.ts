import { CommandPasteStrategy, STRATEGY_SPECS, type PasteStrategy } from './paste-strategy.ts';
import { findExecutable, type CommandRunner } from './command-runner.ts';

export interface PasteEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Whether a helper binary is installed (PATH lookup by default). */
  hasExecutable?: (name: string) => boolean;
  run?: CommandRunner;
}

export interface DetectedStrategy {
  /** Undefined: paste cannot be simulated here; finals are copied for the user to paste. */
  strategy?: PasteStrategy;
  /** Why there is none, and what would fix it. */
  notice?: string;
}

/**
 * Picks how to simulate a paste: Wayland (wtype, then ydotool), X11 (xdotool), macOS
 * (osascript), Windows (PowerShell SendKeys). xdotool under Wayland would reach only XWayland
 * windows, so a Wayland session never uses it: copying is better than typing into nowhere.
 */
export function detectPasteStrategy(e: PasteEnvironment): DetectedStrategy {
  const has = e.hasExecutable ?? ((name: string) => findExecutable(name, e.env) !== undefined);
  const make = (spec: (typeof STRATEGY_SPECS)[keyof typeof STRATEGY_SPECS]) =>
    new CommandPasteStrategy(spec, { run: e.run, env: e.env });
  switch (e.platform) {
    case 'darwin':
      return { strategy: make(STRATEGY_SPECS.macos) };
    case 'win32':
      return { strategy: make(STRATEGY_SPECS.windows) };
    case 'linux':
    case 'freebsd':
    case 'openbsd': {
      const wayland = e.env.WAYLAND_DISPLAY !== undefined && e.env.WAYLAND_DISPLAY !== '' || e.env.XDG_SESSION_TYPE === 'wayland';
      if (wayland) {
        if (has('wtype')) return { strategy: make(STRATEGY_SPECS.wtype) };
        if (has('ydotool')) return { strategy: make(STRATEGY_SPECS.ydotool) };
        return { notice: 'Wayland session without wtype or ydotool: text is copied; install wtype (or ydotool) to paste automatically.' };
      }
      if (e.env.DISPLAY) {
        if (has('xdotool')) return { strategy: make(STRATEGY_SPECS.x11) };
        return { notice: 'xdotool is not installed: text is copied; install xdotool to paste automatically.' };
      }
      return { notice: 'No graphical session found (neither WAYLAND_DISPLAY nor DISPLAY): text is copied only.' };
    }
    default:
      return { notice: `Automatic paste is not supported on ${e.platform}: text is copied only.` };
  }
}
