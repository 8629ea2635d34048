// What `switchyard web` loads once it listens: the app core, the embedded demo mesh, the contract
// (zod and every schema), the socket layer, and the first screen's server render (React and the
// renderer's first screen, renderer/src/ssr/first-screen-html.tsx). One module, so that the build can
// give it to the command as one CommonJS file compiled with a V8 code cache (web-core-loader.ts);
// from the sources it is imported as any module.

export { FIRST_ANSWER_CALLS, renderFirstScreen } from '../../renderer/src/ssr/first-screen-html.tsx';
export { callNames } from '../../shared/api/contract.ts';
export { dispatchCall } from '../core/api-dispatch.ts';
export { createAppCore } from '../core/app-core.ts';
export { demoSampleRequests, startEmbeddedDemo } from '../demo/embedded-demo.ts';
export { createSocketLayer } from '../server/socket-layer.ts';
