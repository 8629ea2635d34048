import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/routing-command-runner.ts';

// `name:` or `namespace:` left empty in a file is null, a number is a number: the file commands
// took either as the object's name, and split, cutover and route died in the planner with
// "Cannot read properties of null (reading 'endsWith')" and a stack trace.

const file = (metadata: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
${metadata}
spec:
  http:
  - route:
    - destination:
        host: cart
        subset: v1
`;

describe('metadata.name and metadata.namespace of the wrong type', () => {
  it.each([
    ['an empty name', '  name:\n  namespace: cart', "field 'metadata.name' must be a string"],
    ['a number for the name', '  name: 5\n  namespace: cart', "field 'metadata.name' must be a string"],
    ['an empty namespace', '  name: cart\n  namespace:', "field 'metadata.namespace' must be a string"],
    [
      'a list for the namespace',
      '  name: cart\n  namespace: [a]',
      "field 'metadata.namespace' must be a string",
    ],
  ])('%s is a one-line error naming the file and document', async (_, metadata, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-metadata-'));
    writeFileSync(join(dir, 'cart.yaml'), file(metadata));
    for (const args of [
      ['split', '-f', 'cart.yaml', '--host', 'cart', '--set', 'v1=100'],
      ['cutover', '-f', 'cart.yaml', '--host', 'cart', '--to', 'v1'],
      ['lint', 'cart.yaml'],
    ]) {
      const r = await runCommand(args, dir);
      expect(r.err).not.toMatch(/\n\s+at /);
      expect(r.err).toContain(`cart.yaml:doc#1: VirtualService: ${message}`);
      expect(r.code).toBe(1);
    }
  });
});
