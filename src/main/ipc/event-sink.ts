import type { WebContents } from 'electron';
import { IpcEventChannel, type EarshotEventName, type EarshotEvents } from '../../shared/ipc-contract.ts';

/** Pushes contract events to the renderer; silently nothing while no window exists. */
export class EventSink {
  #target: (() => WebContents | undefined) | undefined;

  attach(target: () => WebContents | undefined): void {
    this.#target = target;
  }

  send<K extends EarshotEventName>(event: K, payload: EarshotEvents[K]): void {
    const contents = this.#target?.();
    if (contents && !contents.isDestroyed()) contents.send(IpcEventChannel[event], payload);
  }
}
