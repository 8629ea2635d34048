// The state of the drafts store: the list, the draft open in draft mode, its comparison and export.

import type { StoreApi } from 'zustand';
import type { CallResponse } from '../../../shared/api/contract.ts';
import type {
  ConflictResolution,
  DraftCompareView,
  DraftConflictView,
  DraftExportFormat,
  DraftNewVersionInput,
  DraftObjectCompare,
  DraftProblemView,
  DraftSummary,
  DraftView,
} from '../../../shared/api/draft-schemas.ts';
import type { ApiError } from '../../../shared/api/errors.ts';
import type { HeldResolution } from '../features/drafts/draft-keys.ts';
import type { ApplyStore } from './apply-store.ts';
import type { ReleaseStore } from './release-store.ts';

export type ExportResult = CallResponse<'drafts.export'> & { format: DraftExportFormat };

export interface OpenDraft {
  view: DraftView;
  /** The notes as edited here (saved with "Save draft"). */
  notes: string;
  /** Applied from this window just now (main's own mark arrives with the reload). */
  justApplied: boolean;
}

export type DraftsBusy = 'opening' | 'saving' | 'comparing' | 'planning' | 'exporting';

export interface ImportInput {
  contextId: string;
  namespace: string;
  host?: string | undefined;
  files: { name: string; text: string }[];
}

export interface DraftsState {
  drafts: DraftSummary[];
  problems: DraftProblemView[];
  loaded: boolean;
  listError?: ApiError | undefined;
  panelOpen: boolean;
  open?: OpenDraft | undefined;
  busy?: DraftsBusy | undefined;
  /** The last failure of an action on the open draft. */
  editorError?: ApiError | undefined;
  /** What the last action on the open draft did, in words (for a status line). */
  notice?: string | undefined;
  compare?: DraftCompareView | undefined;
  resolutions: Record<string, HeldResolution>;
  exported?: ExportResult | undefined;
  load(): Promise<void>;
  togglePanel(open?: boolean): void;
  openDraft(id: string): Promise<ApiError | undefined>;
  create(contextId: string, releaseId: string): Promise<ApiError | undefined>;
  importYaml(input: ImportInput): Promise<ApiError | undefined>;
  rename(id: string, name: string): Promise<ApiError | undefined>;
  duplicate(id: string): Promise<ApiError | undefined>;
  remove(id: string): Promise<ApiError | undefined>;
  setNotes(notes: string): void;
  /** Unsaved edits of the open draft: its split and rules in the release store, or its notes. */
  isDirty(): boolean;
  save(): Promise<boolean>;
  /** Adds (or replaces) the version the open draft creates, or removes it (null), saving unsaved edits with it. */
  setNewVersion(input: DraftNewVersionInput | null): Promise<boolean>;
  /** Takes a fresh view of the open draft; re-seeds the editor only when nothing is unsaved. */
  refresh(): Promise<void>;
  close(): void;
  compareWithCluster(notice?: string): Promise<void>;
  resolve(object: DraftObjectCompare, conflict: DraftConflictView, take: 'draft' | 'live'): void;
  /** The resolutions to send: one per overlap of the current comparison that has a choice. */
  resolutionList(): ConflictResolution[];
  /** Plans the merged draft and hands the plan to the review dialog. */
  plan(): Promise<void>;
  exportAs(format: DraftExportFormat, file?: { name: string; text: string }): Promise<void>;
}

export interface DraftsDeps {
  releases: ReleaseStore;
  apply: ApplyStore;
}

export type DraftsSet = StoreApi<DraftsState>['setState'];
export type DraftsGet = StoreApi<DraftsState>['getState'];
