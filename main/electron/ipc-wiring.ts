import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import { eventChannel } from '../../shared/api/bridge.ts';
import { callNames } from '../../shared/api/contract.ts';
import { fail } from '../../shared/api/errors.ts';
import { dispatchCall } from '../core/api-dispatch.ts';
import type { AppCore } from '../core/app-core.ts';

/**
 * Registers one handler per call of the contract. Each checks that the sender is our window's
 * top frame showing our own page before the payload goes to the shared dispatcher.
 */
export function wireIpc(core: AppCore, isTrustedSender: (event: IpcMainInvokeEvent) => boolean): () => void {
  for (const name of callNames) {
    ipcMain.handle(name, (event, payload: unknown) => {
      if (!isTrustedSender(event)) {
        return fail('forbidden', `call '${name}' came from a frame that is not Switchyard's window`);
      }
      return dispatchCall(core.handlers, name, payload);
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(name);
  };
}

export function forwardEvents(core: AppCore, target: () => WebContents | undefined): () => void {
  return core.subscribe((event, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed()) contents.send(eventChannel(event), payload);
  });
}
