// The release workflow's contract: what it needs, what starting a release takes, what resuming
// reports, and the operations the wizard calls.

import type { KubeObject, ServiceRelease, TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { DesiredMirror, NewContentRule, OtherRulesChoice } from '../../../shared/mesh/plan/index.ts';
import type { ApplyEngine } from '../apply/apply-engine.ts';
import type { EnginePlan } from '../apply/apply-types.ts';
import type { KubeApi } from '../kube-api.ts';
import type { ReleaseHealth } from './rollout-health.ts';
import type { ObjectWatcher } from './rollout-progress.ts';
import type { ReleaseEvent, ReleasePhase, ReleaseState } from './rollout-state.ts';
import type { ReleaseStateStore } from './rollout-state-store.ts';
import type { RouteBefore } from './step-plan-route.ts';

export interface RolloutWorkflowDeps {
  api: KubeApi;
  engine: ApplyEngine;
  store: ReleaseStateStore;
  watcher: ObjectWatcher;
  context: string;
  user: string;
  /** The Istio version the cluster serves (`networking.istio.io/v1`). */
  istioApiVersion?: string;
  rolloutTimeoutMs?: number;
  onEvent?: (e: ReleaseEvent) => void;
  now?: () => Date;
  /** The health of the canary next to the stable version, the gate before promoting. */
  health?: (s: ReleaseState, release: ServiceRelease) => Promise<ReleaseHealth>;
}

export interface PromoteOptions {
  /** Promote even when the canary is not known to be healthy (the operator said so explicitly). */
  override?: boolean;
  /** Content rules that send requests to other versions: disabled by default. */
  rules?: OtherRulesChoice;
}

/** Finalizing, planned for review: nothing is applied until the operator applies this plan. */
export interface FinalizePlan {
  state: ReleaseState;
  plan: EnginePlan;
  /** The current copies of the objects the plan touches (for its dry-run and guards). */
  objects: KubeObject[];
  description: string;
}

export interface StartRelease {
  serviceReleaseId: string;
  namespace: string;
  stableVersion: string;
  version: string;
  image: string;
  replicas: number;
  container?: string;
  deploymentName?: string;
}

export interface ResumeReport {
  id: string;
  phase: ReleasePhase;
  outcome: 'continued' | 'waiting-for-operator' | 'failed';
  error?: string;
}

export interface RolloutWorkflow {
  start(input: StartRelease): Promise<ReleaseState>;
  /** Applies a split to the catch-all route (`description` names it in History, e.g. a plan's step). */
  route(id: string, split: Readonly<TrafficSplit>, description?: string): Promise<ReleaseState>;
  /** Mirrors a share of the catch-all route to a version (null: no mirror); the split stays. */
  mirror(id: string, mirror: DesiredMirror | null, description: string): Promise<ReleaseState>;
  /** Puts the route back as it was before a release plan began: its split and its rules. */
  restoreRoute(id: string, before: RouteBefore, description: string): Promise<ReleaseState>;
  addRule(id: string, rule: Omit<NewContentRule, 'version'>): Promise<ReleaseState>;
  /** The canary's health next to the stable version, as the promote gate judges it. */
  health(id: string): Promise<ReleaseHealth>;
  /** All traffic to the canary; refused unless it is healthy or `override` is set. */
  promote(id: string, opts?: PromoteOptions): Promise<ReleaseState>;
  /** The finalize plan (remove the old version from the route and subsets, scale or delete it). */
  planFinalize(id: string, mode: 'scale-to-zero' | 'delete'): Promise<FinalizePlan>;
  /** Records that the reviewed finalize plan was applied. */
  markFinalized(id: string, historyId?: string): Promise<ReleaseState>;
  /** Plans and applies at once, without a review (headless use). */
  finalize(id: string, mode: 'scale-to-zero' | 'delete'): Promise<ReleaseState>;
  abort(id: string, opts?: { scaleToZero?: boolean }): Promise<ReleaseState>;
  /** Gateway API, after finalize: the plan deleting the old version's backend Service (for review). */
  planRetireService(id: string): Promise<FinalizePlan>;
  /** Records that the reviewed plan deleting the old backend Service was applied. */
  markServiceRetired(id: string, historyId?: string): Promise<ReleaseState>;
  /** Plans and applies at once, without a review (headless use). */
  retireService(id: string): Promise<ReleaseState>;
  list(): Promise<ReleaseState[]>;
  resumeReleases(): Promise<ResumeReport[]>;
}
