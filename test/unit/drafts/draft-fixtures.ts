// The commented reviews routing file and a draft started from it, shared by the draft tests.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { importYamlText, inNamespace } from '../../../main/core/drafts/draft-import.ts';
import { startDraft } from '../../../main/core/drafts/draft-objects.ts';
import type { Draft } from '../../../main/core/drafts/draft-schema.ts';

export const ROUTING_FILE = 'reviews-routing.yaml';

export function fixtureText(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../../fixtures/drafts/${name}`, import.meta.url)), 'utf8');
}

export function draftFromFixture(id = 'reviews-canary'): Draft {
  const text = fixtureText(ROUTING_FILE);
  const imported = importYamlText(text, ROUTING_FILE);
  return startDraft({
    id,
    name: 'Reviews canary',
    context: 'prod-eu',
    namespace: 'shop',
    host: 'reviews',
    source: 'yaml',
    files: [ROUTING_FILE],
    objects: inNamespace(imported.objects, 'shop'),
    now: new Date('2026-01-01T00:00:00Z'),
  });
}
