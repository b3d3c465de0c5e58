import type { ModelDownloadProgress, ModelInfo } from '../../../shared/ipc-contract.ts';

/** What the model manager offers for one model; a blocked delete says why instead of failing later. */
export interface ModelRowActions {
  select: boolean;
  download: boolean;
  /** The Delete button is shown (a downloaded model, or a partial download to throw away). */
  delete: boolean;
  /** Shown instead of a Delete button when the model is installed but cannot be deleted now. */
  deleteBlocked?: string;
}

export function isDownloading(p: ModelDownloadProgress | undefined): boolean {
  return p !== undefined && (p.state === 'downloading' || p.state === 'verifying');
}

/** Same rules as main (DesktopModels.remove): never the shipped model, the active one or one downloading. */
export function modelRowActions(m: ModelInfo, progress: ModelDownloadProgress | undefined, canManage: boolean): ModelRowActions {
  if (!canManage) return { select: false, download: false, delete: false };
  const downloading = isDownloading(progress);
  const actions: ModelRowActions = {
    select: m.installed && !m.active,
    download: !m.installed && !downloading,
    // A canceled or failed download leaves a partial file that Delete removes too.
    delete: !m.builtin && !m.active && !downloading && (m.installed || progress?.state === 'canceled' || progress?.state === 'failed'),
  };
  if (m.installed && !m.builtin && m.active) actions.deleteBlocked = 'In use — choose another model to delete this one.';
  return actions;
}
