// PLACEHOLDER — replaced by the drafts service implementation.

import type { PlanView } from '../../../shared/api/console-schemas.ts';
import { ApiFailure } from '../../../shared/api/errors.ts';
import type { KubeObject } from '../../../shared/mesh/istio-types.ts';
import type { RegexEngine } from '../../../shared/mesh/regex-engine.ts';
import type { ObjectKey } from '../../../shared/mesh/three-way-merge.ts';
import type { ApiHandlers, EventSink } from '../api-dispatch.ts';
import type { DraftBase, ExternalPlan } from '../console/console-handlers.ts';

export type DraftCalls = Pick<
  ApiHandlers,
  | 'drafts.list'
  | 'drafts.create'
  | 'drafts.import'
  | 'drafts.get'
  | 'drafts.update'
  | 'drafts.duplicate'
  | 'drafts.delete'
  | 'drafts.compare'
  | 'drafts.plan'
  | 'drafts.export'
>;

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
}

export function createDraftsService(_deps: DraftsServiceDependencies): DraftCalls {
  const no = async (): Promise<never> => {
    throw new ApiFailure('unavailable', 'drafts are not built yet');
  };
  return {
    'drafts.list': no,
    'drafts.create': no,
    'drafts.import': no,
    'drafts.get': no,
    'drafts.update': no,
    'drafts.duplicate': no,
    'drafts.delete': no,
    'drafts.compare': no,
    'drafts.plan': no,
    'drafts.export': no,
  };
}
