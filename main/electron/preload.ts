// The only bridge between the sandboxed renderer and main: one function per call and a
// subscription per event of the contract. Nothing else from ipcRenderer is exposed.
import { contextBridge, ipcRenderer } from 'electron';
import type { SwitchyardBridge } from '../../shared/api/bridge.ts';
import { eventChannel } from '../../shared/api/bridge.ts';
import { callNames, isEventName } from '../../shared/api/contract.ts';
import type { ApiResult } from '../../shared/api/errors.ts';

const calls = Object.fromEntries(
  callNames.map((name) => [
    name,
    (payload: unknown) => ipcRenderer.invoke(name, payload) as Promise<ApiResult<unknown>>,
  ]),
) as SwitchyardBridge['calls'];

const bridge: SwitchyardBridge = {
  calls: Object.freeze(calls),
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`'${String(event)}' is not an event of the Switchyard contract`);
    const channel = eventChannel(event);
    const wrapped = (_e: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('switchyard', Object.freeze(bridge));
