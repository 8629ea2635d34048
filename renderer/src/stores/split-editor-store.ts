import { create } from 'zustand';
import {
  allWeightTo,
  evenSplit,
  setLocked,
  setWeight,
  type VersionWeight,
} from '../../../shared/mesh/model/index.ts';

interface SplitEditorState {
  /** The split as the cluster has it (from main's cache). */
  base: VersionWeight[];
  /** The operator's unapplied edit; equal to base when nothing changed. */
  desired: VersionWeight[];
  /** Why the last move could not be honoured exactly (locks), for a polite live region. */
  notice?: string;
  reset(base: VersionWeight[]): void;
  move(version: string, weight: number): void;
  lock(version: string, locked: boolean): void;
  even(): void;
  cutOver(version: string): void;
  discard(): void;
}

export function hasUnappliedChanges(state: Pick<SplitEditorState, 'base' | 'desired'>): boolean {
  return state.base.some((b, i) => b.weight !== state.desired[i]?.weight);
}

/** Local, unapplied edits of one service's split; the weight math is shared/mesh's. */
export function createSplitEditorStore(initial: VersionWeight[] = []) {
  return create<SplitEditorState>()((set) => ({
    base: initial,
    desired: initial,
    reset: (base) => set({ base, desired: base.map((v) => ({ ...v })), notice: undefined }),
    move: (version, weight) =>
      set((s) => {
        const change = setWeight(s.desired, version, weight);
        return { desired: change.weights, notice: change.message };
      }),
    lock: (version, locked) => set((s) => ({ desired: setLocked(s.desired, version, locked) })),
    even: () => set((s) => ({ desired: evenSplit(s.desired), notice: undefined })),
    cutOver: (version) =>
      set((s) => ({ desired: allWeightTo(s.desired, version).weights, notice: undefined })),
    discard: () => set((s) => ({ desired: s.base.map((v) => ({ ...v })), notice: undefined })),
  }));
}

export type SplitEditorStore = ReturnType<typeof createSplitEditorStore>;
