import { contextBridge, ipcRenderer } from 'electron';
import { IpcChannel, type EarshotApi } from '../shared/ipc-contract.ts';

// Exposes only the typed contract; the renderer never sees ipcRenderer itself.
const api: EarshotApi = {
  getEndpoint: () => ipcRenderer.invoke(IpcChannel.getEndpoint),
  getVersion: () => ipcRenderer.invoke(IpcChannel.getVersion),
};

contextBridge.exposeInMainWorld('earshot', api);
