import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../../helpers/routing-command-runner.ts';

// A destination whose host or subset is not a string (`subset: 2`, a hand-edited file): preview
// died in the evaluator ("host.trim is not a function") or in its table ("v.version.padEnd is not
// a function"), with a stack trace instead of the routing it was asked for.

const file = (destination: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
  namespace: default
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: ${destination}
      weight: 50
    - destination: {host: reviews, subset: v1}
      weight: 50
`;

async function preview(destination: string) {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-preview-types-'));
  writeFileSync(join(dir, 'reviews.yaml'), file(destination));
  writeFileSync(join(dir, 'requests.jsonl'), '{"path":"/"}\n'.repeat(20));
  return runCommand(
    ['preview', '-f', 'reviews.yaml', '--host', 'reviews', '--requests', 'requests.jsonl'],
    dir,
  );
}

describe('switchyard preview with a destination field of the wrong type', () => {
  it('a number for the host is no destination: the other one takes the requests', async () => {
    const r = await preview('{host: 5, subset: v2}');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/v1\s+20\s+100\.0%/);
  });

  it('a number for the subset is no destination either', async () => {
    const r = await preview('{host: reviews, subset: 2}');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/v1\s+20\s+100\.0%/);
  });
});
