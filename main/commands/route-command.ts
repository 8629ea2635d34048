import { addContentRule } from '../../shared/mesh/plan/index.ts';
import type { Condition } from '../../shared/mesh/policy/index.ts';
import { compileRule, parseCondition } from '../../shared/mesh/policy/index.ts';
import { re2Engine } from '../lib/re2-engine.ts';
import type { Command } from './command.ts';
import { InputError, UsageError } from './command.ts';
import { editReleaseInFiles, FILE_OPTIONS_HELP, FILE_SET_HELP, parseFileArgs } from './release-file-edit.ts';

const usage = `Usage: switchyard route -f PATH [-f PATH]... --host HOST --to VERSION --when CONDITION [--when CONDITION]... [--write | --dry-run]

Adds a content rule: requests meeting every --when condition (they are ANDed) go to VERSION. The
new http route goes last among the rules, just before the catch-all route, and prints the edited
YAML. The target version must exist (a DestinationRule subset, or a backend Service for HTTPRoutes).

Conditions:
  header:NAME=VALUE     header equals VALUE          header:NAME~REGEX   header matches RE2 REGEX
  header:NAME^PREFIX    header starts with PREFIX    header:NAME         header is present
  !header:NAME          header is absent             cookie:NAME=VALUE   cookie equals VALUE
  cookie:NAME~REGEX     cookie matches REGEX         query:NAME=VALUE    query parameter equals VALUE
  os:NAME               operating system preset      browser:NAME        browser preset
  source:LABEL=VALUE    calling workload's label

${FILE_SET_HELP}

Options:
${FILE_OPTIONS_HELP}
      --to VERSION      the version matching requests go to
      --when CONDITION  a condition (repeatable; all must hold)
      --name NAME       a name for the new http route
  -h, --help            show this help

Example:
  switchyard route -f reviews.yaml --host reviews --to v2 --when 'header:x-canary=true' --when 'os:android'
`;

export const routeCommand: Command = {
  name: 'route',
  summary: 'add a content rule (header, cookie, OS, browser, query) to routing files',
  usage,
  async run(args, io) {
    const { request, values } = parseFileArgs(args, {
      to: { type: 'string' },
      when: { type: 'string', multiple: true },
      name: { type: 'string' },
    });
    const to = values.to;
    if (typeof to !== 'string' || to === '') throw new UsageError('give the version with --to VERSION');
    const whens = (values.when as string[] | undefined) ?? [];
    if (whens.length === 0) throw new UsageError('give at least one condition with --when CONDITION');
    const conditions: Condition[] = whens.map((w) => {
      try {
        return parseCondition(w);
      } catch (err) {
        throw new InputError(`--when '${w}': ${(err as Error).message}`);
      }
    });
    let matches: ReturnType<typeof compileRule>;
    try {
      matches = compileRule(conditions, re2Engine());
    } catch (err) {
      throw new InputError(`--when: ${(err as Error).message}`);
    }
    const name = typeof values.name === 'string' ? { name: values.name } : {};
    return editReleaseInFiles(io, request, (release) =>
      addContentRule(release, { matches, version: to, ...name }),
    );
  },
};
