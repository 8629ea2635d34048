// The release workflow's contract: what it needs, what starting a release takes, what resuming
// reports, and the operations the wizard calls.

import type { NewContentRule } from '../../../shared/mesh/release-edits.ts';
import type { ApplyEngine } from '../apply/apply-engine.ts';
import type { KubeApi } from '../kube-api.ts';
import type { ReleaseEvent, ReleasePhase, ReleaseState } from './release-state.ts';
import type { ReleaseStateStore } from './release-state-store.ts';
import type { ObjectWatcher } from './rollout-progress.ts';

export interface ReleaseWorkflowDeps {
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

export interface ReleaseWorkflow {
  start(input: StartRelease): Promise<ReleaseState>;
  route(id: string, weights: Record<string, number>): Promise<ReleaseState>;
  addRule(id: string, rule: Omit<NewContentRule, 'version'>): Promise<ReleaseState>;
  promote(id: string): Promise<ReleaseState>;
  finalize(id: string, mode: 'scale-to-zero' | 'delete'): Promise<ReleaseState>;
  abort(id: string, opts?: { scaleToZero?: boolean }): Promise<ReleaseState>;
  list(): Promise<ReleaseState[]>;
  resumeReleases(): Promise<ResumeReport[]>;
}
