import { create } from 'zustand';
import type { ApplyResultView, DesiredReleaseInput, PlanView } from '../../../shared/api/console-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { ProxyConvergenceView } from '../../../shared/api/proxy-schemas.ts';
import type { ApiClient } from '../api/api-client.ts';

export type ReviewStatus = 'planning' | 'ready' | 'applying' | 'applied' | 'failed';

export interface StepProgress {
  state: string;
  message?: string;
}

export interface Review {
  title: string;
  contextId: string;
  releaseId?: string;
  status: ReviewStatus;
  plan?: PlanView;
  error?: ApiError;
  progress: Record<string, StepProgress>;
  result?: ApplyResultView;
  /** Told how the apply of this review ended (a draft marks itself applied, or compares again). */
  hooks?: ReviewHooks;
  /** After an apply: at how many proxies the change is in effect, read until all or the wait is over. */
  proxies?: ProxyWatch;
}

export interface ProxyWatch {
  /** The latest reading (absent until the first one arrives). */
  view?: ProxyConvergenceView;
  /** The call itself failed: why. */
  unavailable?: string;
  /** No more readings: every proxy has it, the status cannot be known, or the wait ran out. */
  settled: boolean;
}

/** How long the dialog keeps reading the proxies after an apply, and how often. */
export const PROXY_WAIT_MS = 30_000;
export const PROXY_POLL_MS = 500;

export interface ReviewHooks {
  onApplied?: (result: ApplyResultView) => void;
  /** The result when main answered with one, else the call's own error. */
  onFailed?: (result: ApplyResultView | undefined, error: ApiError | undefined) => void;
}

export interface Toast {
  message: string;
  historyId?: string;
  tone: 'ok' | 'error';
}

interface ApplyState {
  review?: Review;
  toast?: Toast;
  /** Bumped after every applied change, so history views reload. */
  appliedCount: number;
  /** `workflowId`: the grayscale release (wizard) the change belongs to. */
  plan(
    contextId: string,
    releaseId: string,
    desired: DesiredReleaseInput,
    title: string,
    workflowId?: string,
  ): Promise<void>;
  /** Opens the review with a plan made elsewhere (a draft's merged plan); Apply works as usual. */
  openPlan(plan: PlanView, title: string, hooks?: ReviewHooks): void;
  apply(): Promise<ApplyResultView | undefined>;
  planUndo(entryId: string, contextId: string, applyRightAway: boolean): Promise<void>;
  close(): void;
  dismissToast(): void;
}

function allConfirmed(plan: PlanView, progress: Record<string, StepProgress>): boolean {
  return plan.steps.length > 0 && plan.steps.every((s) => progress[s.id]?.state === 'done');
}

/** The review → apply flow with per-step progress, and the toast that offers undo. */
export function createApplyStore(api: ApiClient, onApplied: (contextId: string, releaseId: string) => void) {
  /** Reads `release.proxies` for the applied plan until settled, while its review stays open. */
  function followProxies(planId: string, contextId: string, releaseId: string): void {
    const deadline = Date.now() + PROXY_WAIT_MS;
    const update = (proxies: ProxyWatch) => {
      const review = store.getState().review;
      if (review?.plan?.planId !== planId) return false;
      store.setState({ review: { ...review, proxies } });
      return true;
    };
    const read = async () => {
      const r = await api.call('release.proxies', { contextId, releaseId });
      if (!r.ok) {
        update({ unavailable: r.error.message, settled: true });
        return;
      }
      const view = r.value;
      const done = view.known ? view.inEffect === view.total : !view.retryable;
      const settled = done || Date.now() + PROXY_POLL_MS > deadline;
      if (update({ view, settled }) && !settled) setTimeout(() => void read(), PROXY_POLL_MS);
    };
    update({ settled: false });
    void read();
  }

  const store = create<ApplyState>()((set, get) => ({
    appliedCount: 0,
    async plan(contextId, releaseId, desired, title, workflowId) {
      set({ review: { title, contextId, releaseId, status: 'planning', progress: {} } });
      const result = await api.call('release.plan', {
        contextId,
        releaseId,
        desired,
        ...(workflowId ? { workflowId } : {}),
      });
      const review = get().review;
      if (!review || review.contextId !== contextId) return;
      set({
        review: result.ok
          ? { ...review, status: 'ready', plan: result.value }
          : { ...review, status: 'failed', error: result.error },
      });
    },
    openPlan(plan, title, hooks) {
      set({
        review: {
          title,
          contextId: plan.contextId,
          releaseId: plan.releaseId,
          status: 'ready',
          plan,
          progress: {},
          ...(hooks ? { hooks } : {}),
        },
      });
    },
    async apply() {
      const review = get().review;
      if (!review?.plan || review.status !== 'ready') return undefined;
      const { plan } = review;
      // The call leaves first: the dialog's "Applying…" render is not on the click → confirmed path.
      const call = api.call('release.apply', { planId: plan.planId });
      set({ review: { ...review, status: 'applying' } });
      const result = await call;
      const now = get().review;
      if (!result.ok) {
        set({
          review: now && { ...now, status: 'failed', error: result.error },
          toast: { message: `Not applied: ${result.error.message}`, tone: 'error' },
        });
        review.hooks?.onFailed?.(undefined, result.error);
        return undefined;
      }
      const value = result.value;
      if (value.ok) {
        onApplied(plan.contextId, plan.releaseId);
        set((s) => ({
          review: now && { ...now, status: 'applied', result: value },
          appliedCount: s.appliedCount + 1,
          toast: {
            message: `Applied: ${now?.title ?? plan.summary}${value.warning ? ` (${value.warning})` : ''}`,
            tone: 'ok',
            ...(value.historyId ? { historyId: value.historyId } : {}),
          },
        }));
        review.hooks?.onApplied?.(value);
        followProxies(plan.planId, plan.contextId, plan.releaseId);
      } else {
        set({
          review: now && {
            ...now,
            status: 'failed',
            result: value,
            ...(value.error ? { error: value.error } : {}),
          },
        });
        review.hooks?.onFailed?.(value, value.error);
      }
      return value;
    },
    async planUndo(entryId, contextId, applyRightAway) {
      set({ review: { title: 'Undo', contextId, status: 'planning', progress: {} }, toast: undefined });
      const result = await api.call('history.undo', { entryId });
      const review = get().review;
      if (!review) return;
      if (!result.ok) {
        set({ review: { ...review, status: 'failed', error: result.error } });
        return;
      }
      set({
        review: {
          ...review,
          title: result.value.summary,
          releaseId: result.value.releaseId,
          status: 'ready',
          plan: result.value,
        },
      });
      if (applyRightAway && result.value.steps.every((s) => s.dryRun.ok)) await get().apply();
    },
    close: () => set({ review: undefined }),
    dismissToast: () => set({ toast: undefined }),
  }));
  api.on('apply.progress', (p) => {
    const review = store.getState().review;
    if (!review?.plan || review.plan.planId !== p.planId) return;
    const progress = {
      ...review.progress,
      [p.stepId]: { state: p.state, ...(p.message ? { message: p.message } : {}) },
    };
    store.setState({
      review: {
        ...review,
        progress,
        // Every step confirmed by the cluster's watch: shown now, not when the call returns after
        // main has also written its history (the result then adds the history link and the toast).
        ...(review.status === 'applying' && allConfirmed(review.plan, progress) ? { status: 'applied' } : {}),
      },
    });
  });
  return store;
}

export type ApplyStore = ReturnType<typeof createApplyStore>;
