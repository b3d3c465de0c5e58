import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { isAsrError } from '../../shared/errors.ts';
import { IpcChannel, type EarshotInvokeApi, type IpcResult } from '../../shared/ipc-contract.ts';
import { ipcArgErrorCode, ipcArgSchemas, type IpcArgs } from '../../shared/ipc-schemas.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';

/** Main-side implementation of the contract: each method gets its arguments already validated. */
export type IpcHandlers = {
  [K in keyof EarshotInvokeApi]: (...args: IpcArgs<K>) => Awaited<ReturnType<EarshotInvokeApi[K]>> | ReturnType<EarshotInvokeApi[K]>;
};

type Method = keyof EarshotInvokeApi;

/**
 * Registers one handler per channel. Every call is checked (trusted sender, then arguments
 * against the contract's zod schemas) and answered with an IpcResult: bad input becomes a coded
 * error, never an exception in main.
 */
export function registerIpcHandlers(
  ipc: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: IpcHandlers,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const methods = Object.keys(IpcChannel) as Method[];
  for (const method of methods) {
    ipc.handle(IpcChannel[method], (event, ...args: unknown[]) => dispatch(method, handlers, isTrustedSender(event), args));
  }
  return () => {
    for (const method of methods) ipc.removeHandler(IpcChannel[method]);
  };
}

async function dispatch(method: Method, handlers: IpcHandlers, trusted: boolean, args: unknown[]): Promise<IpcResult<unknown>> {
  if (!trusted) return { ok: false, error: { code: ErrorCode.Forbidden, message: `${method}: caller is not the Earshot window` } };
  const parsed = ipcArgSchemas[method].safeParse(args);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: ipcArgErrorCode(method), message: `${method}: ${detail}` } };
  }
  try {
    const handler = handlers[method] as (...a: unknown[]) => unknown;
    return { ok: true, value: await handler(...(parsed.data as unknown[])) };
  } catch (err) {
    if (isAsrError(err)) return { ok: false, error: { code: err.code, message: err.message } };
    return { ok: false, error: { code: ErrorCode.Internal, message: `${method}: ${err instanceof Error ? err.message : String(err)}` } };
  }
}
