import type { DraftSummary } from '../../../../shared/api/draft-schemas.ts';
import { relativeAge } from './relative-time.ts';

/** Where the draft's base came from: the live cache, an offline snapshot, the operator's YAML, or none. */
export function baseWord(d: Pick<DraftSummary, 'baseSource' | 'baseCapturedAt' | 'createdAt'>): string {
  if (d.baseSource === 'yaml') return 'YAML';
  if (d.baseSource === 'none') return 'nothing';
  return d.baseSource === 'snapshot' ? 'offline snapshot' : 'live cluster';
}

/** "based on snapshot of 3 hours ago"; a draft of a new service has no base. */
export function basedOn(
  d: Pick<DraftSummary, 'baseSource' | 'baseCapturedAt' | 'createdAt'>,
  now = Date.now(),
): string {
  if (d.baseSource === 'none') return 'based on no existing objects (a new service)';
  return `based on ${baseWord(d)} of ${relativeAge(d.baseCapturedAt, now)} ago`;
}
