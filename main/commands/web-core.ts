// What `switchyard web` loads once the page has its script: the app core, the embedded demo mesh,
// the contract (zod and every schema) and the socket layer. One module, so that the build can
// give it to the command as one CommonJS file compiled with a V8 code cache (web-core-loader.ts);
// from the sources it is imported as any module.

export { callNames } from '../../shared/api/contract.ts';
export { createAppCore } from '../core/app-core.ts';
export { demoSampleRequests, startEmbeddedDemo } from '../demo/embedded-demo.ts';
export { createSocketLayer } from '../server/socket-layer.ts';
