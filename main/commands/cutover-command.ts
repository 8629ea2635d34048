import { setCatchAllTo } from '../../shared/mesh/plan/index.ts';
import type { Command } from './command.ts';
import { UsageError } from './command.ts';
import { editReleaseInFiles, FILE_OPTIONS_HELP, FILE_SET_HELP, parseFileArgs } from './release-file-edit.ts';

const usage = `Usage: switchyard cutover -f PATH [-f PATH]... --host HOST --to VERSION [--write | --dry-run]

Sends all traffic of the host's catch-all route to one version (100%), the others to 0%, and
prints the edited YAML. The other destinations stay at weight 0, so rolling back is one split.
Content rules (routes with a match) are not touched.

${FILE_SET_HELP}

Options:
${FILE_OPTIONS_HELP}
      --to VERSION      the version to receive all traffic (a subset, or a Service for HTTPRoutes)
  -h, --help            show this help

Example:
  switchyard cutover -f reviews.yaml --host reviews --to v2 --write
`;

export const cutoverCommand: Command = {
  name: 'cutover',
  summary: 'send all traffic of a host to one version in routing files',
  usage,
  async run(args, io) {
    const { request, values } = parseFileArgs(args, { to: { type: 'string' } });
    const to = values.to;
    if (typeof to !== 'string' || to === '') throw new UsageError('give the version with --to VERSION');
    return editReleaseInFiles(io, request, (release) => setCatchAllTo(release, to));
  },
};
