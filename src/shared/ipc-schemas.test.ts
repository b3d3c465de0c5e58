import { describe, expect, it } from 'vitest';
import { IpcChannel, IpcEventChannel } from './ipc-contract.ts';
import { ipcArgErrorCode, ipcArgSchemas } from './ipc-schemas.ts';

describe('IPC contract', () => {
  it('every invoke method has a unique channel and an argument schema', () => {
    expect(Object.keys(ipcArgSchemas).sort()).toEqual(Object.keys(IpcChannel).sort());
    const all = [...Object.values(IpcChannel), ...Object.values(IpcEventChannel)];
    expect(new Set(all).size).toBe(all.length);
  });

  it('argument schemas accept good calls and reject bad ones', () => {
    expect(ipcArgSchemas.listHistory.parse([{ search: 'x' }])).toEqual([{ search: 'x', limit: 50, offset: 0 }]);
    expect(ipcArgSchemas.deleteHistory.safeParse([[1, 2]]).success).toBe(true);
    expect(ipcArgSchemas.deleteHistory.safeParse([[]]).success).toBe(false);
    expect(ipcArgSchemas.deleteHistory.safeParse([['1']]).success).toBe(false);
    expect(ipcArgSchemas.selectModel.safeParse(['../etc/passwd']).success).toBe(false);
    expect(ipcArgSchemas.deleteModel.safeParse(['sherpa-onnx-streaming-zipformer-en-2023-06-26']).success).toBe(true);
    expect(ipcArgSchemas.deleteModel.safeParse(['../models']).success).toBe(false);
    expect(ipcArgSchemas.deleteModel.safeParse(['.']).success).toBe(false);
    expect(ipcArgSchemas.deleteModel.safeParse([]).success).toBe(false);
    expect(ipcArgSchemas.getEngineStatus.safeParse([]).success).toBe(true);
    expect(ipcArgSchemas.exportHistory.safeParse([{ format: 'docx' }]).success).toBe(false);
    expect(ipcArgSchemas.getVersion.safeParse(['extra']).success).toBe(false);
    expect(ipcArgSchemas.insertText.safeParse([42]).success).toBe(false);
    expect(ipcArgSchemas.insertText.safeParse(['x']).success).toBe(true);
    expect(ipcArgSchemas.insertText.safeParse(['x', { deleteBefore: 6 }]).success).toBe(true);
    expect(ipcArgSchemas.insertText.safeParse(['x', { deleteBefore: -1 }]).success).toBe(false);
    expect(ipcArgSchemas.insertText.safeParse(['x', { deleteAll: true }]).success).toBe(false);
  });

  it('settings are rejected as InvalidConfig, everything else as BadRequest', () => {
    expect(ipcArgErrorCode('setSettings')).toBe('ASR_ERR_INVALID_CONFIG');
    expect(ipcArgErrorCode('insertText')).toBe('ASR_ERR_BAD_REQUEST');
  });
});
