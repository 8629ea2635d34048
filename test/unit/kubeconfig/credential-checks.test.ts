import { generateKeyPairSync } from 'node:crypto';
import { validateHeaderValue } from 'node:http';
import { createSecureContext } from 'node:tls';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBearerToken,
  checkPem,
  isTlsSetupError,
} from '../../../main/core/kubeconfig/credential-checks.ts';

describe('a bearer token', () => {
  it('with a line break, a control character or a character beyond Latin-1 is refused, naming which', () => {
    expect(() => checkBearerToken('abc\ndef', 'the token of user "u"')).toThrow(
      'the token of user "u" contains a line break, which an HTTP Authorization header cannot carry',
    );
    expect(() => checkBearerToken('abc\r', 't')).toThrow('t contains a line break');
    expect(() => checkBearerToken('a\u0000b', 't')).toThrow('t contains a control character (U+0000)');
    expect(() => checkBearerToken('a\u007fb', 't')).toThrow('(U+007F)');
    expect(() => checkBearerToken('jeton-\u2603', 't')).toThrow('a character outside Latin-1 (U+2603)');
  });

  it('is accepted exactly when Node would send it as a header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 12 }), (token) => {
        let nodeAccepts = true;
        try {
          validateHeaderValue('Authorization', `Bearer ${token}`);
        } catch {
          nodeAccepts = false;
        }
        let ours = true;
        try {
          checkBearerToken(token, 't');
        } catch {
          ours = false;
        }
        expect(ours).toBe(nodeAccepts);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('PEM data', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const sec1Pem = privateKey.export({ type: 'sec1', format: 'pem' }).toString();

  it('is accepted with the block of its role', () => {
    expect(() => checkPem(keyPem, 'key', 'k')).not.toThrow();
    expect(() => checkPem(Buffer.from(sec1Pem), 'key', 'k')).not.toThrow();
    expect(() => checkPem('-----BEGIN CERTIFICATE-----\nx\n', 'certificate-authority', 'ca')).not.toThrow();
  });

  it('without it is refused, naming the source, and an empty one says so', () => {
    expect(() =>
      checkPem(Buffer.from('garbage'), 'certificate-authority', 'certificate-authority-data of cluster "c"'),
    ).toThrow(
      'certificate-authority-data of cluster "c" holds no PEM certificate (-----BEGIN CERTIFICATE-----)',
    );
    expect(() => checkPem(keyPem, 'certificate', 'client-certificate file /c (user "u")')).toThrow(
      'client-certificate file /c (user "u") holds no PEM certificate',
    );
    expect(() => checkPem(' \n', 'key', 'client-key-data of user "u"')).toThrow(
      'client-key-data of user "u" is empty',
    );
  });

  it("OpenSSL's own errors are told apart from others", () => {
    let err: unknown;
    try {
      createSecureContext({ key: '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(Error);
    expect(isTlsSetupError(err)).toBe(true);
    expect(isTlsSetupError(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(isTlsSetupError('routines::')).toBe(false);
  });
});
