// Strings the fuzzer draws fields from (besides random ones): the ids the demo mesh really has,
// so generated calls get past "not found" into the handlers' work.

import type { Pools } from './schema-arbitrary.ts';
import type { WebProcess } from './web-process.ts';

export async function demoPools(web: WebProcess): Promise<Pools> {
  const page = await web.connect();
  const deadline = Date.now() + 60_000;
  let services: Array<{ releaseId: string; namespace: string; host: string; name: string }> = [];
  while (services.length === 0 && Date.now() < deadline) {
    const listed = await page.call('services.list', { contextId: 'demo' });
    if (listed.kind === 'result' && listed.result.ok)
      services = (listed.result.value as { services: typeof services }).services;
    else await page.call('sessions.open', { contextId: 'demo' });
    if (services.length === 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (services.length === 0) throw new Error('the demo mesh listed no services within 60 s');
  const first = services[0] as (typeof services)[number];
  const draft = await page.call('drafts.create', { contextId: 'demo', releaseId: first.releaseId });
  const draftId =
    draft.kind === 'result' && draft.result.ok ? (draft.result.value as { id: string }).id : 'nope';
  page.close();
  const unique = (xs: string[]) => [...new Set(xs)];
  return {
    contextId: ['demo', 'demo-viewer', 'demo-team', `draft:${draftId}`, 'kube:nope'],
    releaseId: unique(services.map((s) => s.releaseId)),
    namespace: unique(services.map((s) => s.namespace)),
    host: unique(services.map((s) => s.host)),
    version: ['v1', 'v2', 'v3'],
    fromVersion: ['v1', 'v2'],
    id: [draftId, `${first.namespace}.${first.name}.v9`],
    jsonl: [
      '{"path":"/","headers":{"x-canary":"true"}}\n{"path":"/","headers":{"user-agent":"Mozilla/5.0 (iPhone)"}}',
    ],
  };
}
