// The drafts service behind the drafts.* calls: drafts kept in `<dataDir>/drafts`, started from the cluster (or its offline
// snapshot) or from the operator's YAML, edited with the console's own desired-release input,
// compared three ways with the live objects and applied through the console's review and the
// safe apply engine. Every change to the stored drafts is announced with 'drafts.changed'.

import { join } from 'node:path';
import type { DesiredReleaseInput, PlanView } from '../../../shared/api/console-schemas.ts';
import type { CallName, CallRequest, CallResponse } from '../../../shared/api/contract.ts';
import { DRAFT_CONTEXT_PREFIX } from '../../../shared/api/draft-context.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { ObjectKey } from '../../../shared/drafts/three-way-merge.ts';
import { objectKeyOf } from '../../../shared/drafts/three-way-merge.ts';
import type { KubeObject, RegexEngine } from '../../../shared/mesh/model/index.ts';
import { readReleases } from '../../../shared/mesh/read/index.ts';
import { re2Engine } from '../../lib/re2-engine.ts';
import type { EventSink } from '../api-dispatch.ts';
import type { FleetDraft, FleetDrafts } from '../fleet/fleet-draft.ts';
import type { DraftBase, ExternalPlan } from '../services/console-services.ts';
import { desiredFromInput } from '../services/desired-release-input.ts';
import { serviceNameOf } from '../views/release-views.ts';
import { DraftPlanError, draftEnginePlan } from './draft-apply-plan.ts';
import type { DraftComparison } from './draft-compare.ts';
import { compareDraft, describeConflicts, draftChangedObjects, keyText } from './draft-compare.ts';
import { exportDraft } from './draft-export.ts';
import { importDraft } from './draft-import.ts';
import {
  refuseTrafficToNewVersions,
  releaseForInput,
  withNewVersion,
  withoutNewVersion,
} from './draft-new-version.ts';
import { draftChanges, editDraft, releaseOfBase, startDraft } from './draft-objects.ts';
import { inputForBase } from './draft-rule-ids.ts';
import type { Draft } from './draft-schema.ts';
import { createSerializer, newDraftId } from './draft-service-support.ts';
import type { DraftStore } from './draft-store.ts';
import { createDraftStore } from './draft-store.ts';
import { describeDesired, draftSummary, draftView } from './draft-views.ts';

type Call<C extends CallName> = (req: CallRequest<C>) => Promise<CallResponse<C>>;

/** The saved offline drafts: what the drafts.* calls (handlers/drafts.ts) are adapters over. */
export interface DraftsService {
  list: Call<'drafts.list'>;
  create: Call<'drafts.create'>;
  importFiles: Call<'drafts.import'>;
  get: Call<'drafts.get'>;
  update: Call<'drafts.update'>;
  duplicate: Call<'drafts.duplicate'>;
  remove: Call<'drafts.delete'>;
  compare: Call<'drafts.compare'>;
  plan: Call<'drafts.plan'>;
  exportAs: Call<'drafts.export'>;
  /** A draft as a fleet's change: merged and planned per cluster (not a contract call: fleet.plan's). */
  forFleet: FleetDrafts;
}

export interface DraftsServiceDependencies {
  /** Drafts live in `<dataDir>/drafts`. */
  dataDir: string;
  emit: EventSink;
  engine?: RegexEngine;
  /** The objects a new draft of a release starts from: live when connected, else the offline snapshot. */
  draftBase(contextId: string, releaseId: string): Promise<DraftBase>;
  /** Live objects by key from the synced cache (undefined: absent); throws 'unavailable' offline. */
  liveObjects(contextId: string, keys: readonly ObjectKey[]): Promise<Array<KubeObject | undefined>>;
  /** Stores a plan for `release.apply` and returns its review. */
  reviewPlan(p: ExternalPlan): Promise<PlanView>;
  now?: () => Date;
  /** Where a problem no call can report goes (default: console.warn). */
  log?: (message: string) => void;
}

async function freshId(store: DraftStore, service: string): Promise<string> {
  for (;;) {
    const id = newDraftId(service);
    if (!(await store.get(id))) return id;
  }
}

/** The view's edit of the split and rules, kept relative to the base, with the versions the draft adds. */
function withDesired(draft: Draft, input: DesiredReleaseInput, engine: RegexEngine): Draft {
  // The view's rule ids are those of the drafted objects; the draft stores base ids.
  const edit = inputForBase(draft, input);
  return editDraft(draft, (current) => ({
    ...edit.finish(desiredFromInput(releaseForInput(draft, current), edit.input, engine)),
    release: current.release,
    addedVersions: current.addedVersions,
  }));
}

/** A draft with an update applied; an edited split or version is planned now to name what is wrong. */
function updatedDraft(
  draft: Draft,
  { desired, newVersion, notes, name }: Omit<CallRequest<'drafts.update'>, 'id'>,
  engine: RegexEngine,
): Draft {
  let out = draft;
  if (desired) out = withDesired(out, desired, engine);
  if (newVersion !== undefined)
    out = newVersion === null ? withoutNewVersion(out) : withNewVersion(out, newVersion);
  if (desired || newVersion !== undefined) {
    const { applied: _applied, ...rest } = out;
    // Planning now is what names a bad weight, an unknown version or a broken regex.
    draftChanges(rest);
    out = rest;
  }
  if (notes !== undefined) out = { ...out, notes };
  if (name !== undefined) out = { ...out, name };
  return out;
}

async function compareWithLive(
  liveObjects: DraftsServiceDependencies['liveObjects'],
  draft: Draft,
  resolutions: Parameters<typeof compareDraft>[2],
  when: Date,
): Promise<DraftComparison> {
  const keys = draftChangedObjects(draft).map(objectKeyOf);
  let live: Array<KubeObject | undefined>;
  try {
    // Asked even with no keys: a compare always speaks for a connected cluster.
    live = await liveObjects(draft.context, keys);
  } catch (err) {
    if (err instanceof ApiFailure && (err.code === 'unavailable' || err.code === 'timeout'))
      throw new ApiFailure(
        err.code,
        `comparing draft “${draft.name}” with the cluster needs context '${draft.context}' connected: ${err.message}`,
      );
    throw err;
  }
  const byKey = new Map(keys.map((k, i) => [keyText(k), live[i]]));
  return compareDraft(draft, byKey, resolutions, when);
}

/** The draft merged with one context's live objects and planned for its release there. */
async function planInContext(
  deps: DraftsServiceDependencies,
  draft: Draft,
  contextId: string,
  releaseId: string,
  when: Date,
): ReturnType<FleetDraft['planIn']> {
  const comparison = await compareWithLive(deps.liveObjects, { ...draft, context: contextId }, [], when);
  if (!comparison.view.ok)
    return {
      conflict: `the cluster changed what draft “${draft.name}” changes: ${describeConflicts(comparison.view)}`,
    };
  try {
    return { plan: draftEnginePlan(draft, comparison, releaseId) };
  } catch (err) {
    if (err instanceof DraftPlanError) return { conflict: err.message };
    throw err;
  }
}

/** A saved draft as a fleet's change (refused while it sends traffic to a version it creates). */
function draftForFleet(deps: DraftsServiceDependencies, draft: Draft, now: () => Date): FleetDraft {
  refuseTrafficToNewVersions(draft);
  return {
    name: draft.name,
    namespace: draft.namespace,
    host: draft.host,
    words: describeDesired(draft),
    split: draft.desired?.split.map((x) => ({ version: x.version, weight: x.weight })),
    planIn: (contextId, releaseId) => planInContext(deps, draft, contextId, releaseId, now()),
  };
}

async function loadDraft(store: DraftStore, id: string): Promise<Draft> {
  const draft = await store.get(id);
  if (!draft) throw new ApiFailure('not-found', `no draft '${id}' (it may have been deleted)`);
  return draft;
}

export function createDraftsService(deps: DraftsServiceDependencies): DraftsService {
  const engine = deps.engine ?? re2Engine();
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? ((m: string) => console.warn(m));
  const store = createDraftStore({ dir: join(deps.dataDir, 'drafts'), now });
  const serial = createSerializer();
  const announce = (ids: string[]) => deps.emit('drafts.changed', { ids });

  const load = (id: string) => loadDraft(store, id);

  async function saveAndView(draft: Draft) {
    draftView(draft, engine); // refuses a draft that cannot be shown before anything is saved
    const saved = await store.save(draft);
    announce([saved.id]);
    return draftView(saved, engine);
  }

  /**
   * Runs after a successful apply. The change is in the cluster whatever happens here, so a draft
   * that cannot be marked (deleted meanwhile, a full disk) must not turn the apply into a failure.
   */
  async function markApplied(id: string, historyId: string | undefined): Promise<void> {
    await serial(id, async () => {
      try {
        const draft = await store.get(id);
        if (!draft) return;
        const applied = { at: now().toISOString(), ...(historyId ? { historyId } : {}) };
        await store.save({ ...draft, applied });
        announce([id]);
      } catch (err) {
        log(`draft ${id} was applied but could not be marked applied: ${(err as Error).message}`);
      }
    });
  }

  return {
    list: async () => {
      const { drafts, problems } = await store.list();
      return { drafts: drafts.map(draftSummary), problems };
    },

    create: async ({ contextId, releaseId, name }) => {
      const base = await deps.draftBase(contextId, releaseId);
      const release = readReleases(base.objects).find((r) => r.id === releaseId);
      if (!release)
        throw new ApiFailure(
          'not-found',
          `the objects of '${releaseId}' in '${contextId}' hold no route for it`,
        );
      const at = now();
      const service = serviceNameOf(release.host);
      const draft = startDraft({
        id: await freshId(store, service),
        name: name ?? `${service} — ${at.toISOString().slice(0, 10)}`,
        context: contextId,
        namespace: release.namespace,
        host: release.host,
        source: base.origin === 'snapshot' ? 'snapshot' : 'cache',
        objects: base.objects,
        now: at,
      });
      return saveAndView({ ...draft, base: { ...draft.base, capturedAt: base.capturedAt } });
    },

    importFiles: async (req) => {
      const picked = importDraft(req);
      const service = serviceNameOf(picked.host);
      const draft = startDraft({
        id: await freshId(store, service),
        name: req.name ?? `${service} from ${req.files.map((f) => f.name).join(', ')}`,
        context: req.contextId,
        namespace: req.namespace,
        host: picked.host,
        source: 'yaml',
        files: req.files.map((f) => f.name),
        objects: picked.objects,
        now: now(),
      });
      return saveAndView(draft);
    },

    get: async ({ id }) => draftView(await load(id), engine),

    update: ({ id, desired, newVersion, notes, name }) =>
      serial(id, async () => {
        const draft = updatedDraft(await load(id), { desired, newVersion, notes, name }, engine);
        return saveAndView(draft);
      }),

    duplicate: async ({ id, name }) => {
      const { applied: _applied, ...source } = await load(id);
      const at = now().toISOString();
      return saveAndView({
        ...source,
        id: await freshId(store, serviceNameOf(releaseOfBase(source)?.host ?? source.host)),
        name: name ?? `${source.name} (copy)`,
        createdAt: at,
        updatedAt: at,
      });
    },

    remove: ({ id }) =>
      serial(id, async () => {
        await store.remove(id);
        announce([id]);
        return { deleted: true };
      }),

    compare: async ({ id, resolutions }) =>
      (await compareWithLive(deps.liveObjects, await load(id), resolutions ?? [], now())).view,

    plan: async ({ id, resolutions }) => {
      const draft = await load(id);
      refuseTrafficToNewVersions(draft);
      const comparison = await compareWithLive(deps.liveObjects, draft, resolutions ?? [], now());
      if (!comparison.view.ok)
        throw new ApiFailure(
          'conflict',
          `draft “${draft.name}” overlaps changes made in the cluster since it began: ${describeConflicts(comparison.view)}; take the draft's or the cluster's value for each, then plan again`,
          comparison.view,
        );
      const releaseId = releaseOfBase(draft)?.id ?? `${DRAFT_CONTEXT_PREFIX}${draft.id}`;
      let plan: ReturnType<typeof draftEnginePlan>;
      try {
        plan = draftEnginePlan(draft, comparison, releaseId);
      } catch (err) {
        if (err instanceof DraftPlanError) throw new ApiFailure('conflict', err.message, comparison.view);
        throw err;
      }
      const what = describeDesired(draft);
      return deps.reviewPlan({
        contextId: draft.context,
        releaseId,
        plan,
        description: `draft “${draft.name}”: ${what}`,
        summary:
          plan.steps.length === 0
            ? `Nothing to change: the cluster already has what draft “${draft.name}” sets.`
            : `${plan.steps.length} step(s) from draft “${draft.name}”: ${what}`,
        onApplied: (historyId) => markApplied(draft.id, historyId),
      });
    },

    exportAs: async (req) => exportDraft(await load(req.id), req),
    forFleet: async (id) => draftForFleet(deps, await load(id), now),
  };
}
