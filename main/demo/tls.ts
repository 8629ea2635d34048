// A throwaway CA and a server certificate for 127.0.0.1/localhost, made once per process (EC
// keys keep it well under a second) and written into the kubeconfig as certificate-authority-data.
import { generate } from 'selfsigned';

export interface DemoTls {
  caCert: string;
  cert: string;
  key: string;
}

let cached: Promise<DemoTls> | undefined;

async function create(): Promise<DemoTls> {
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600 * 1000);
  const ca = await generate([{ name: 'commonName', value: 'switchyard-demo-ca' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: 'commonName', value: 'switchyard-demo-apiserver' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { caCert: ca.cert, cert: server.cert, key: server.private };
}

/** The demo CA and server certificate; generated on first use, then shared by every demo mesh. */
export function demoTls(): Promise<DemoTls> {
  cached ??= create().catch((err) => {
    cached = undefined;
    throw err;
  });
  return cached;
}
