import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startWebApp } from './web-app.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** One `switchyard web` for the whole suite, on the demo mesh (no kubeconfig is given). */
export default async function globalSetup() {
  const app = await startWebApp({ root });
  process.env.SWITCHYARD_E2E_URL = app.url;
  return async () => {
    await app.stop();
  };
}
