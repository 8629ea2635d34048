import type { SwitchyardBridge } from '../../../shared/api/bridge.ts';
import type { Transport } from './transport.ts';

declare global {
  interface Window {
    switchyard?: SwitchyardBridge;
  }
}

export function electronTransport(bridge: SwitchyardBridge): Transport {
  return {
    call: (channel, payload) => bridge.calls[channel](payload),
    on: (event, listener) => bridge.on(event, listener),
    onStatus: () => () => {},
  };
}
