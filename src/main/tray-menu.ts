import type { Menu, MenuItemConstructorOptions, NativeImage, Tray } from 'electron';

export interface TrayActions {
  show(): void;
  toggleDictation(): void;
  quit(): void;
}

export interface TrayDeps {
  createTray(icon: NativeImage | string): Tray;
  buildMenu(template: MenuItemConstructorOptions[]): Menu;
}

/** The tray icon: show the window, start/stop dictation, quit; the label follows the state. */
export class DesktopTray {
  readonly #tray: Tray;
  readonly #deps: TrayDeps;
  readonly #actions: TrayActions;
  #dictating = false;

  constructor(deps: TrayDeps, icon: NativeImage | string, actions: TrayActions) {
    this.#deps = deps;
    this.#actions = actions;
    this.#tray = deps.createTray(icon);
    this.#tray.setToolTip('Earshot');
    this.#tray.on('click', () => actions.show());
    this.#render();
  }

  setDictating(active: boolean): void {
    if (active === this.#dictating) return;
    this.#dictating = active;
    this.#render();
  }

  /** The current menu items (for the about box and tests). */
  template(): MenuItemConstructorOptions[] {
    return [
      { id: 'show', label: 'Show Earshot', click: () => this.#actions.show() },
      {
        id: 'dictation',
        label: this.#dictating ? 'Stop dictation' : 'Start dictation',
        click: () => this.#actions.toggleDictation(),
      },
      { type: 'separator' },
      { id: 'quit', label: 'Quit Earshot', click: () => this.#actions.quit() },
    ];
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #render(): void {
    this.#tray.setToolTip(this.#dictating ? 'Earshot — dictating' : 'Earshot');
    this.#tray.setContextMenu(this.#deps.buildMenu(this.template()));
  }
}
