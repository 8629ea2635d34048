import { describe, expect, it } from 'vitest';
import { main } from '../../../main/cli.ts';
import { recordingIO } from '../../helpers/capture-io.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

const captureIO = () => recordingIO(repoRoot);

const base = ['preview', '-f', 'test/fixtures/preview/reviews.yaml', '--host', 'reviews'];

describe('switchyard preview', () => {
  it('prints the share per version and per rule', async () => {
    const io = captureIO();
    expect(await main([...base, '--requests', 'test/fixtures/preview/requests.jsonl'], io)).toBe(0);
    expect(io.out()).toContain("spec.http[0] 'jason'");
    expect(io.out()).toMatch(/503 no subset\s+12\s+12\.0%/);
  });
  it('prints JSON with versions, rules and other outcomes', async () => {
    const io = captureIO();
    await main([...base, '--requests', 'test/fixtures/preview/requests.jsonl', '--json'], io);
    const r = JSON.parse(io.out());
    expect(r.total).toBe(100);
    expect(r.rules.map((x: { ruleIndex: number }) => x.ruleIndex)).toEqual([0, 1, 2]);
    expect(r.rules[0].versions).toEqual({ v2: 8 });
    expect(r.other).toEqual([{ outcome: '503 no subset', count: 12, share: 0.12 }]);
  });
  it('names the file and the known hosts for an unknown host', async () => {
    const io = captureIO();
    const args = [
      'preview',
      '-f',
      'test/fixtures/preview/reviews.yaml',
      '--host',
      'ratings',
      '--requests',
      'test/fixtures/preview/requests.jsonl',
    ];
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toBe(
      "switchyard preview: no VirtualService in test/fixtures/preview/reviews.yaml routes host 'ratings' (hosts found: reviews)\n",
    );
  });
  it('names the file, document and field of an invalid regex', async () => {
    const io = captureIO();
    const args = [
      'preview',
      '-f',
      'test/fixtures/preview/bad-regex.yaml',
      '--host',
      'reviews',
      '--requests',
      'test/fixtures/preview/requests.jsonl',
    ];
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toContain(
      'test/fixtures/preview/bad-regex.yaml:doc#1 VirtualService bookinfo/reviews spec.http[0].match[0].headers.user-agent.regex: invalid RE2 regex',
    );
  });
  it('names the line and field of a malformed request', async () => {
    const io = captureIO();
    expect(await main([...base, '--requests', 'test/fixtures/preview/bad-requests.jsonl'], io)).toBe(1);
    expect(io.err()).toBe(
      "switchyard preview: test/fixtures/preview/bad-requests.jsonl:3: field 'headers.x' must be a string, not 1\n",
    );
  });
  it('reports malformed YAML with its line', async () => {
    const io = captureIO();
    const args = [
      'preview',
      '-f',
      'test/fixtures/preview/malformed.yaml',
      '--host',
      'x',
      '--requests',
      'test/fixtures/preview/requests.jsonl',
    ];
    expect(await main(args, io)).toBe(1);
    expect(io.err()).toMatch(/malformed\.yaml:\d+: YAML syntax error/);
  });
  it('asks for the host', async () => {
    const io = captureIO();
    expect(await main(['preview', '-f', 'test/fixtures/preview/reviews.yaml'], io)).toBe(2);
    expect(io.err()).toContain('--host HOST');
  });
});
