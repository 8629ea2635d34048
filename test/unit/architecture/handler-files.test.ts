import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CallName, calls } from '../../../shared/api/contract.ts';
import { repoRoot } from '../../helpers/shared-reference.ts';

// One thin adapter file per contract namespace in main/core/handlers: a newcomer looking for what
// answers `drafts.plan` opens handlers/drafts.ts. The app's own small namespaces share app.ts.
const SHARED_FILE: Record<string, string> = { app: 'app.ts', contexts: 'app.ts', demo: 'app.ts' };
const dir = join(repoRoot, 'main/core/handlers');

function fileFor(call: CallName): string {
  const ns = call.split('.')[0]!;
  return SHARED_FILE[ns] ?? `${ns}.ts`;
}

/** The call names a handler file answers: its `'ns.name': ` keys and `async 'ns.name'(` methods. */
function answered(text: string): string[] {
  return [...text.matchAll(/^\s+(?:async\s+)?'([a-z]+(?:\.[a-zA-Z]+)+)'(?::\s|\()/gm)].map((m) => m[1]!);
}

describe('main/core/handlers', () => {
  const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
  const byFile = new Map(files.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));

  it('has a file for every namespace of the contract', () => {
    const missing = [...new Set((Object.keys(calls) as CallName[]).map(fileFor))].filter(
      (f) => !byFile.has(f),
    );
    expect(missing).toEqual([]);
  });

  it('answers every call in the file of its namespace, and nowhere else', () => {
    const misplaced: string[] = [];
    for (const call of Object.keys(calls) as CallName[]) {
      const where = files.filter((f) => answered(byFile.get(f)!).includes(call));
      // sessions.namespaces.* may live beside sessions.ts in its own file of the same namespace.
      const home = fileFor(call);
      const ok =
        where.length === 1 && (where[0] === home || where[0]!.startsWith(home.replace(/s\.ts$/, '')));
      if (!ok) misplaced.push(`${call}: answered in [${where.join(', ')}], expected ${home}`);
    }
    expect(misplaced).toEqual([]);
  });

  it('would catch a call answered outside its namespace file', () => {
    expect(answered("  'drafts.plan': (req) => d.plan(req),\n")).toEqual(['drafts.plan']);
    expect(answered("    async 'rules.check'({ patterns }) {\n")).toEqual(['rules.check']);
    // A type's member list is not an answer.
    expect(answered("  | 'drafts.plan'\n")).toEqual([]);
    expect(fileFor('drafts.plan')).toBe('drafts.ts');
    expect(fileFor('demo.open')).toBe('app.ts');
  });
});
