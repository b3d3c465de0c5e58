import { join } from 'node:path';
import { app, BrowserWindow, ipcMain } from 'electron';
import { IpcChannel, type GatewayEndpoint } from '../shared/ipc-contract.ts';

// Composition root of the desktop app: builds the window and wires IPC.
function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 960,
    height: 720,
    show: false,
    webPreferences: {
      preload: join(import.meta.dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  return win;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void app.whenReady().then(() => {
    const endpoint: GatewayEndpoint = { url: '', token: '', mode: 'local' };
    ipcMain.handle(IpcChannel.getEndpoint, () => ({ ok: true, value: endpoint }));
    ipcMain.handle(IpcChannel.getVersion, () => ({ ok: true, value: app.getVersion() }));
    createWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
