// A release plan and its progress, saved beside the rollout it drives
// (<dataDir>/releases/<context>/steps/<id>.json) with the data folder's atomic write, so a crash
// or a full disk leaves the old progress or the new and a restart picks the plan up where it was.

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { TrafficSplit } from '../../../shared/mesh/model/index.ts';
import type { StepProgress } from '../../../shared/rollout/step-decision.ts';
import type { GateResult } from '../../../shared/rollout/step-gates.ts';
import type { StepPlan } from '../../../shared/rollout/step-plan.ts';
import { ensurePrivateDir, writeFileAtomic } from '../local-files/atomic-file.ts';
import { readTextIfExists } from '../local-files/set-aside.ts';
import type { RouteBefore } from './step-plan-route.ts';

/** The latest reading of a step's gates. Times are milliseconds since the epoch. */
export interface GateReading {
  step: number;
  at: number;
  windowSeconds: number;
  results: GateResult[];
}

export interface PlanOutcome {
  kind: 'completed' | 'failed' | 'aborted';
  at: number;
  reason: string;
  /** The gates that failed, with their figures (a failed plan). */
  failed?: GateResult[];
  /** The route is back as it was before the plan (a failed or aborted plan, once restored). */
  restored?: boolean;
}

export interface StepPlanRecord {
  /** The rollout (grayscale release) the plan drives. */
  id: string;
  contextId: string;
  serviceReleaseId: string;
  canary: string;
  stable: string;
  plan: StepPlan;
  progress: StepProgress;
  /** The route before the plan's first step: what a failed gate or an abort restores. */
  before: RouteBefore;
  /** The split the last weight step applied. */
  split?: TrafficSplit;
  gates?: GateReading;
  /** Why the plan is not moving on (figures, data, approval); absent while it just holds. */
  waiting?: string;
  /** A step applied but not yet in effect at every proxy: its hold waits (the step is not applied again). */
  proxyWait?: { step: number };
  /** The last reading of the proxies after a step: "in effect at 9 of 9 proxies", or why unknown. */
  proxies?: string;
  outcome?: PlanOutcome;
  historyIds: string[];
  startedAt: number;
  updatedAt: number;
  lastError?: string;
}

export interface StepPlanStore {
  save(r: StepPlanRecord): Promise<void>;
  load(id: string): Promise<StepPlanRecord | undefined>;
  list(): Promise<{ plans: StepPlanRecord[]; unreadable: Array<{ file: string; reason: string }> }>;
}

const SAFE_ID = /^[a-z0-9][a-z0-9.-]{0,200}$/;

function fileOf(dir: string, id: string): string {
  if (!SAFE_ID.test(id))
    throw new Error(`release id '${id}' may only hold lower-case letters, digits, '.' and '-'`);
  return join(dir, `${id}.json`);
}

function parse(text: string): StepPlanRecord {
  const r = JSON.parse(text) as StepPlanRecord;
  if (typeof r?.id !== 'string' || !Array.isArray(r.plan?.steps) || typeof r.progress?.state !== 'string')
    throw new Error('not a release plan (id, steps or progress missing)');
  return r;
}

export function createStepPlanStore(dir: string): StepPlanStore {
  return {
    async save(r) {
      const file = fileOf(dir, r.id);
      await ensurePrivateDir(dir);
      await writeFileAtomic(file, `${JSON.stringify(r, null, 2)}\n`);
    },
    async load(id) {
      const text = await readTextIfExists(fileOf(dir, id));
      return text === undefined ? undefined : parse(text);
    },
    async list() {
      let files: string[];
      try {
        files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { plans: [], unreadable: [] };
        throw err;
      }
      const plans: StepPlanRecord[] = [];
      const unreadable: Array<{ file: string; reason: string }> = [];
      for (const f of files) {
        try {
          const text = await readTextIfExists(join(dir, f));
          if (text !== undefined) plans.push(parse(text));
        } catch (err) {
          unreadable.push({ file: f, reason: (err as Error).message });
        }
      }
      return { plans, unreadable };
    },
  };
}
