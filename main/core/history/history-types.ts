// One line of the local history: who changed what, where, when, and the objects before and after,
// enough to show the change again and to undo it.

import type { KubeObject } from '../../../shared/mesh/model/index.ts';
import type { PlanTarget } from '../../../shared/mesh/plan/index.ts';
import type { AnyPlan } from '../apply/apply-types.ts';

export interface HistoryStep {
  id: string;
  description: string;
  target: PlanTarget;
  action: 'patch' | 'create' | 'delete';
  /** null: the step created the object. */
  before: KubeObject | null;
  /** null: the step deleted the object. */
  after: KubeObject | null;
}

export type HistoryKind = 'change' | 'undo' | 'release';

export interface HistoryEntry {
  id: string;
  /** ISO 8601, UTC. */
  time: string;
  /** The kubeconfig context (cluster) the change went to. */
  context: string;
  user: string;
  kind: HistoryKind;
  description: string;
  releaseId: string;
  /** For an undo: the entry it undid. */
  undoOf?: string;
  plan: AnyPlan;
  steps: HistoryStep[];
}

export type NewHistoryEntry = Omit<HistoryEntry, 'id' | 'time'>;

export interface HistoryRecorder {
  record(entry: NewHistoryEntry): Promise<HistoryEntry>;
}

/**
 * The change happened but its history line could not be written (a full or read-only disk). The
 * entry is kept in memory by the store for this session, so it can still be undone.
 */
export class HistoryWriteError extends Error {
  override name = 'HistoryWriteError';
  constructor(
    readonly entry: HistoryEntry,
    cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}
