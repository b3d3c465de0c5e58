import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { AsrError } from '../shared/errors.ts';
import { ErrorCode } from '../shared/protocol/error-codes.ts';
import {
  IpcChannel,
  IpcEventChannel,
  type EarshotApi,
  type EarshotEventName,
  type EarshotEvents,
  type EarshotInvokeApi,
  type IpcResult,
} from '../shared/ipc-contract.ts';

// Exposes only the typed contract; the renderer never sees ipcRenderer itself.

/** Invokes a handler and turns its error envelope back into an AsrError with the same code. */
async function invoke(channel: string, args: unknown[]): Promise<unknown> {
  const result = (await ipcRenderer.invoke(channel, ...args)) as IpcResult<unknown>;
  if (result.ok) return result.value;
  throw new AsrError(result.error.code, result.error.message);
}

const methods = Object.fromEntries(
  Object.entries(IpcChannel).map(([method, channel]) => [method, (...args: unknown[]) => invoke(channel, args)]),
) as unknown as EarshotInvokeApi;

const api: EarshotApi = {
  ...methods,
  on<K extends EarshotEventName>(event: K, listener: (payload: EarshotEvents[K]) => void): () => void {
    const channel = IpcEventChannel[event];
    if (!channel) throw new AsrError(ErrorCode.BadRequest, `unknown event '${String(event)}'`);
    const wrapped = (_e: IpcRendererEvent, payload: EarshotEvents[K]) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('earshot', api);
