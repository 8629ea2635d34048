import { create } from 'zustand';
import type {
  PlanView,
  RolloutPlanPhase,
  RolloutPlanProgress,
  RolloutPlanView,
} from '../../../shared/api/console-schemas.ts';
import type { CallRequest } from '../../../shared/api/contract.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ReleaseHealthView } from '../../../shared/api/release-flow-schemas.ts';
import type { ApiClient } from '../api/api-client.ts';

/** The wizard's steps, in order. */
export const WIZARD_STEPS = [
  'create',
  'rollout',
  'policy',
  'observe',
  'promote',
  'finalize',
  'done',
] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const STEP_TITLES: Record<WizardStep, string> = {
  create: 'Create the version',
  rollout: 'Wait for the rollout',
  policy: 'Choose the policy',
  observe: 'Observe',
  promote: 'Promote',
  finalize: 'Finalize',
  done: 'Done',
};

const FINISHED: readonly RolloutPlanPhase[] = ['finalized', 'aborted'];
/** Phases where main waits on the cluster; after a restart nothing runs them until resumed. */
export const CLUSTER_PHASES: readonly RolloutPlanPhase[] = [
  'creating',
  'rolling-out',
  'adding-subset',
  'finalizing',
  'aborting',
];

export const isFinished = (phase: RolloutPlanPhase) => FINISHED.includes(phase);

/** The step a release is at; in the operator's phases (ready, routing) the operator's own choice wins. */
export function stepOf(release: RolloutPlanView | undefined, chosen?: WizardStep): WizardStep {
  if (!release) return 'create';
  switch (release.phase) {
    case 'creating':
    case 'rolling-out':
    case 'adding-subset':
      return 'rollout';
    case 'ready':
      return chosen && ['policy', 'observe', 'promote'].includes(chosen) ? chosen : 'policy';
    case 'routing':
      return chosen && ['policy', 'observe', 'promote'].includes(chosen) ? chosen : 'observe';
    case 'aborting':
      return chosen ?? 'rollout';
    case 'promoted':
    case 'finalizing':
      return 'finalize';
    case 'finalized':
    case 'aborted':
      return 'done';
  }
}

export const wizardKey = (contextId: string, id: string) => `${contextId}|${id}`;

/** A progress event folded into the release it reports on. */
export function withProgress(r: RolloutPlanView, p: RolloutPlanProgress): RolloutPlanView {
  const { lastError: _old, ...rest } = r;
  return {
    ...rest,
    phase: p.phase,
    running: p.running,
    ...(p.rollout ? { rollout: p.rollout } : r.rollout ? { rollout: r.rollout } : {}),
    ...(p.backendService ? { backendService: p.backendService } : {}),
    ...(p.error !== undefined ? { lastError: p.error } : {}),
  };
}

export interface WizardPanel {
  contextId: string;
  releaseId: string;
  /** Set once the release exists. */
  id?: string;
  chosen?: WizardStep;
}

interface WizardState {
  releases: Record<string, RolloutPlanView>;
  panel?: WizardPanel;
  busy: boolean;
  error?: ApiError;
  load(contextId: string): Promise<void>;
  openFor(contextId: string, releaseId: string, id?: string): void;
  choose(step: WizardStep): void;
  close(): void;
  start(input: CallRequest<'rollout.start'>): Promise<void>;
  /** The canary's health next to stable, per release (`wizardKey`), as the promote gate judges it. */
  health: Record<string, ReleaseHealthView>;
  loadHealth(): Promise<void>;
  promote(opts: { override: boolean; rules: 'disable' | 'retarget' | 'keep' }): Promise<boolean>;
  /** The finalize plan, for the review dialog; nothing is applied yet. */
  finalize(mode: 'scale-to-zero' | 'delete'): Promise<PlanView | undefined>;
  abort(scaleToZero: boolean): Promise<void>;
  /** Gateway API, after finalize: the plan deleting the old backend Service, for the review dialog. */
  deleteOldService(): Promise<PlanView | undefined>;
  resume(contextId: string, id: string): Promise<void>;
  dismissError(): void;
}

/** Grayscale releases (the wizard) as main's release workflow reports them, and the open panel. */
export function createWizardStore(api: ApiClient) {
  const store = create<WizardState>()((set, get) => {
    const keep = (r: RolloutPlanView) =>
      set((s) => ({ releases: { ...s.releases, [wizardKey(r.contextId, r.id)]: r } }));
    async function run<T extends RolloutPlanView>(
      call: () => Promise<{ ok: true; value: T } | { ok: false; error: ApiError }>,
    ): Promise<T | undefined> {
      set({ busy: true, error: undefined });
      const result = await call();
      set({ busy: false });
      if (!result.ok) {
        set({ error: result.error });
        return undefined;
      }
      keep(result.value);
      return result.value;
    }
    const current = () => {
      const p = get().panel;
      return p?.id ? { contextId: p.contextId, id: p.id } : undefined;
    };
    return {
      releases: {},
      busy: false,
      async load(contextId) {
        const result = await api.call('rollout.list', { contextId });
        if (!result.ok) return;
        set((s) => {
          const releases = { ...s.releases };
          for (const r of result.value.rollouts) releases[wizardKey(contextId, r.id)] = r;
          return { releases };
        });
      },
      openFor: (contextId, releaseId, id) =>
        set({ panel: { contextId, releaseId, ...(id ? { id } : {}) }, error: undefined }),
      choose: (step) => set((s) => (s.panel ? { panel: { ...s.panel, chosen: step } } : {})),
      close: () => set({ panel: undefined, error: undefined }),
      async start(input) {
        const r = await run(() => api.call('rollout.start', input));
        if (r) set((s) => ({ panel: s.panel && { ...s.panel, id: r.id } }));
      },
      health: {},
      async loadHealth() {
        const c = current();
        if (!c) return;
        const result = await api.call('rollout.health', c);
        if (result.ok)
          set((s) => ({ health: { ...s.health, [wizardKey(c.contextId, c.id)]: result.value } }));
      },
      async promote(opts) {
        const c = current();
        if (!c) return false;
        return (await run(() => api.call('rollout.promote', { ...c, ...opts }))) !== undefined;
      },
      async finalize(mode) {
        const c = current();
        if (!c) return undefined;
        set({ busy: true, error: undefined });
        const result = await api.call('rollout.finalize', { ...c, mode });
        set({ busy: false });
        if (!result.ok) {
          set({ error: result.error });
          return undefined;
        }
        return result.value;
      },
      async deleteOldService() {
        const c = current();
        if (!c) return undefined;
        set({ busy: true, error: undefined });
        const result = await api.call('rollout.deleteOldService', c);
        set({ busy: false });
        if (!result.ok) {
          set({ error: result.error });
          return undefined;
        }
        return result.value;
      },
      async abort(scaleToZero) {
        const c = current();
        if (c) await run(() => api.call('rollout.abort', { ...c, scaleToZero }));
      },
      async resume(contextId, id) {
        await run(() => api.call('rollout.resume', { contextId, id }));
      },
      dismissError: () => set({ error: undefined }),
    };
  });
  api.on('rollout.progress', (p) => {
    const key = wizardKey(p.contextId, p.id);
    const known = store.getState().releases[key];
    if (known) store.setState((s) => ({ releases: { ...s.releases, [key]: withProgress(known, p) } }));
    else void store.getState().load(p.contextId);
  });
  return store;
}

export type WizardStore = ReturnType<typeof createWizardStore>;
