import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { ipcMain } from 'electron';
import { eventChannel } from '../../shared/api/bridge.ts';
import { callNames } from '../../shared/api/contract.ts';
import { fail } from '../../shared/api/errors.ts';
import { dispatchCall } from '../core/api-dispatch.ts';
import type { AppCore } from '../core/app-core.ts';

/** Each window (webContents) is one client: what it subscribes to is its own. */
export function windowClientId(contents: Pick<WebContents, 'id'>): string {
  return `window-${contents.id}`;
}

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
      return dispatchCall(core.handlers, name, payload, { clientId: windowClientId(event.sender) });
    });
  }
  return () => {
    for (const name of callNames) ipcMain.removeHandler(name);
  };
}

type WindowContents = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'on' | 'off'>;

/**
 * Sends main's events to one window: the events for everyone and that window's own. A reload
 * starts a new page in the same window, so what the old page watched is dropped as it begins;
 * a window that is gone takes its subscriptions with it.
 */
export function forwardEvents(core: AppCore, contents: WindowContents): () => void {
  const clientId = windowClientId(contents);
  const unsubscribe = core.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(eventChannel(event), payload);
  }, clientId);
  const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
    if (details.isMainFrame && !details.isSameDocument) core.clientReset(clientId);
  };
  contents.on('did-start-navigation', onNavigation);
  contents.on('destroyed', unsubscribe);
  return () => {
    contents.off('did-start-navigation', onNavigation);
    contents.off('destroyed', unsubscribe);
    unsubscribe();
  };
}
