import { create } from 'zustand';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { StepPlanInput, StepPlanView } from '../../../shared/api/step-plan-schemas.ts';
import { type PlanNotice, planNotice } from '../../../shared/rollout/step-notice.ts';
import type { ApiClient } from '../api/api-client.ts';
import { wizardKey } from './wizard-store.ts';

type Action = 'pause' | 'resume' | 'approve' | 'abort';

export interface StepPlanState {
  /** Release plans by rollout (`wizardKey`), as main reports them. */
  plans: Record<string, StepPlanView>;
  busy: boolean;
  error?: ApiError | undefined;
  /** The last outcome to tell the operator about, until dismissed. */
  notice?: (PlanNotice & { key: string }) | undefined;
  load(contextId: string, id: string): Promise<void>;
  start(contextId: string, id: string, plan?: StepPlanInput): Promise<boolean>;
  act(action: Action, contextId: string, id: string): Promise<void>;
  skip(contextId: string, id: string, toStep: number): Promise<void>;
  dismissNotice(): void;
  dismissError(): void;
}

/** Shows a notice outside the page too (the desktop's, where the page may; Electron's own comes from main). */
export type Notifier = (notice: PlanNotice) => void;

/** A browser notification when the operator allowed them; the page's own notice shows either way. */
export function browserNotifier(): Notifier {
  return (n) => {
    const N = (globalThis as { Notification?: typeof Notification }).Notification;
    if (N?.permission === 'granted') new N(n.title, { body: n.body });
  };
}

type Setter = (f: (s: StepPlanState) => Partial<StepPlanState>) => void;

/** Keeps a plan's latest view; an outcome new since the last one is noticed, on the page and outside. */
function absorb(set: Setter, before: StepPlanView | undefined, p: StepPlanView, notify: Notifier): void {
  const key = wizardKey(p.contextId, p.id);
  const notice = planNotice(before, p);
  set((s) => ({ plans: { ...s.plans, [key]: p }, ...(notice ? { notice: { ...notice, key } } : {}) }));
  if (notice) notify(notice);
}

/** Release plans with gates (issue 16): started from the wizard, advanced by main, watched here. */
export function createStepPlanStore(api: ApiClient, notify: Notifier = () => {}) {
  const store = create<StepPlanState>()((set, get) => {
    const keep = (p: StepPlanView) => absorb(set, get().plans[wizardKey(p.contextId, p.id)], p, notify);
    async function run(
      call: () => Promise<{ ok: true; value: StepPlanView } | { ok: false; error: ApiError }>,
    ) {
      set({ busy: true, error: undefined });
      const result = await call();
      set({ busy: false });
      if (!result.ok) {
        set({ error: result.error });
        return false;
      }
      keep(result.value);
      return true;
    }
    return {
      plans: {},
      busy: false,
      async load(contextId, id) {
        const result = await api.call('rollout.steps.get', { contextId, id });
        // No plan on this rollout yet is not an error: the wizard offers to start one.
        if (result.ok) keep(result.value);
      },
      start: (contextId, id, plan) =>
        run(() => api.call('rollout.steps.start', { contextId, id, ...(plan ? { plan } : {}) })),
      async act(action, contextId, id) {
        await run(() => api.call(`rollout.steps.${action}`, { contextId, id }));
      },
      async skip(contextId, id, toStep) {
        await run(() => api.call('rollout.steps.skip', { contextId, id, toStep }));
      },
      dismissNotice: () => set({ notice: undefined }),
      dismissError: () => set({ error: undefined }),
    };
  });
  api.on('rollout.steps.changed', (p) =>
    absorb(store.setState, store.getState().plans[wizardKey(p.contextId, p.id)], p, notify),
  );
  return store;
}

export type StepPlanStore = ReturnType<typeof createStepPlanStore>;

const stores = new WeakMap<ApiClient, StepPlanStore>();

/** One release-plan store per API client: the wizard and the page's notice use it without new props. */
export function stepPlanStoreFor(api: ApiClient): StepPlanStore {
  let s = stores.get(api);
  if (!s) {
    s = createStepPlanStore(api, browserNotifier());
    stores.set(api, s);
  }
  return s;
}
