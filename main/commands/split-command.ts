import type { TrafficSplit } from '../../shared/mesh/model/index.ts';
import { setSplit } from '../../shared/mesh/plan/index.ts';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { editReleaseInFiles, FILE_OPTIONS_HELP, FILE_SET_HELP, parseFileArgs } from './release-file-edit.ts';

const usage = `Usage: switchyard split -f PATH [-f PATH]... --host HOST --set VERSION=WEIGHT[,VERSION=WEIGHT]... [--write | --dry-run]

Sets the traffic split of the host's catch-all route (its http route without match, or the
HTTPRoute rule without matches) and prints the edited YAML. Only the weight lines change; comments,
key order and quoting stay as they are.

Weights are whole percents and must add up to 100. Versions not listed get 0: their destinations
stay in the route at weight 0, so a rollback is one more split. A listed version that has no
destination yet gets one, when its DestinationRule subset exists (or, for an HTTPRoute, the backend
Service named VERSION).

${FILE_SET_HELP}

Options:
${FILE_OPTIONS_HELP}
      --set V=W,...     the new split; repeat or separate with commas
  -h, --help            show this help

Examples:
  switchyard split -f reviews.yaml --host reviews --set v1=90,v2=10
  switchyard split -f route.yaml --host example.com --set echo-v1=50 --set echo-v2=50 --write
`;

/** 'v1=90,v2=10' (possibly repeated) → [{v1, 90}, {v2, 10}]; malformed entries are usage errors. */
export function parseWeights(items: readonly string[]): TrafficSplit {
  const out: TrafficSplit = [];
  for (const part of items.flatMap((s) => s.split(','))) {
    const item = part.trim();
    if (item === '') continue;
    const m = /^([^=\s]+)=(\d+)$/.exec(item);
    if (!m) throw new UsageError(`--set '${item}': expected VERSION=WEIGHT with a whole-number weight`);
    const version = m[1]!;
    if (out.some((s) => s.version === version))
      throw new UsageError(`--set: version '${version}' is given twice`);
    out.push({ version, weight: Number(m[2]) });
  }
  if (out.length === 0) throw new UsageError('give the split with --set VERSION=WEIGHT,...');
  // Checked here, before any file is read: the mistake is in the arguments, not in a file.
  const total = out.reduce((sum, s) => sum + s.weight, 0);
  if (total !== 100) throw new UsageError(`--set: weights add up to ${total}, not 100`);
  return out;
}

export const splitCommand: Command = {
  name: 'split',
  summary: 'set the traffic split of a host in routing files',
  usage,
  async run(args, io) {
    const { request, values } = parseFileArgs(args, { set: { type: 'string', multiple: true } });
    const weights = parseWeights((values.set as string[] | undefined) ?? []);
    return editReleaseInFiles(io, request, (release) => setSplit(release, weights));
  },
};
