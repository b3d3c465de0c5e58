import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, dialog } from 'electron';
import pino from 'pino';
import { ADDON_FILE } from '../engine/model/ort-values-addon.ts';
import { loadCatalog } from '../serving/models/model-catalog.ts';
import { defaultModelStoreConfig, ModelStore } from '../serving/models/model-store.ts';
import { defaultModelsDir } from '../serving/models/models-dir.ts';
import { startDesktopApp } from './desktop-app.ts';
import { localServerStarter } from './gateway/local-server-starter.ts';

// Entry of the Electron main process: resolves paths, builds the concrete services and hands
// them to the composition root (desktop-app.ts). Nothing else lives here.
const logger = pino({ name: 'earshot-desktop', level: process.env.LOG_LEVEL ?? 'info' });
// Packaged: models/ and the tray icon are extraResources; in development they sit in the repo.
const resources = app.isPackaged ? process.resourcesPath : app.getAppPath();
const devUrl = process.env.ELECTRON_RENDERER_URL;
// The engine's worker threads look for the ort-values addon here first (packaged: extraResources).
if (app.isPackaged) process.env.EARSHOT_ORT_VALUES_ADDON ??= join(process.resourcesPath, 'native', ADDON_FILE);

startDesktopApp({
  startServer: localServerStarter({ logger, workerEntry: new URL('./worker-main.js', import.meta.url) }),
  modelSource: new ModelStore(
    loadCatalog(join(resources, 'models', 'catalog.json')),
    // Unpacking runs in a worker thread: its bundled entry sits beside this file (electron.vite.config.ts).
    { ...defaultModelStoreConfig(defaultModelsDir(), resources), extractWorkerEntry: new URL('./archive-extract-worker.js', import.meta.url) },
  ),
  fallbackModel: 'earshot-en-small',
  preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
  rendererUrl: devUrl ?? pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href,
  trayIconPath: join(resources, 'resources', 'tray.png'),
  databasePath: join(app.getPath('userData'), 'earshot.db'),
  development: devUrl !== undefined,
  log: (message, err) => logger.error({ err: err === undefined ? undefined : String(err) }, message),
}).catch((err: unknown) => {
  logger.fatal({ err: String(err) }, 'start-up failed');
  dialog.showErrorBox('Earshot could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
