import { type LintFinding, lintObjects } from '../../shared/mesh/lint/index.ts';
import { re2Engine } from '../lib/re2-engine.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, UsageError } from './command.ts';
import { readYamlFiles } from './read-yaml-files.ts';

const usage = `Usage: switchyard lint -f FILE [-f FILE]... [--entry-point HOST]... [--json]

Checks VirtualServices, DestinationRules and HTTPRoutes: weights, undefined subsets, unreachable
or shadowed rules, regexes RE2 rejects, several VirtualServices for one host, header rules on
services that may never see the header, and objects another controller (Argo CD, Argo Rollouts,
Flagger, Flux, Kiali) would revert. Files may hold several YAML documents; lint them together so
routes can be checked against their DestinationRules.

Options:
  -f, --file FILE         a YAML file (repeatable; files may also be given as arguments)
  --entry-point HOST      a host that receives traffic from outside the mesh (repeatable)
  --json                  print the findings as a JSON array
  -h, --help              show this help

Output: one line per finding,
  file:doc#N Kind namespace/name field: [CODE] message (hint)
Exit status: 1 when any finding is an error, 0 otherwise.
`;

export const lintCommand: Command = {
  name: 'lint',
  summary: 'check routing files for mistakes',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        'entry-point': { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const files = [...(values.file ?? []), ...positionals];
    if (files.length === 0) throw new UsageError('give at least one file with -f FILE');
    const loaded = await readYamlFiles(files, io.cwd);
    const entryPoints = values['entry-point'];
    const findings = lintObjects(
      loaded.map((l) => l.object),
      { engine: re2Engine(), ...(entryPoints ? { entryPoints } : {}) },
    );
    const located = findings.map((f) => ({
      file: loaded[f.objectIndex]!.file,
      document: loaded[f.objectIndex]!.index,
      ...f,
    }));
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          located.map(({ objectIndex: _i, ...rest }) => rest),
          null,
          2,
        )}\n`,
      );
    } else {
      for (const f of located) io.stdout(`${formatFinding(f.file, f.document, f)}\n`);
      const count = (s: LintFinding['severity']) => findings.filter((f) => f.severity === s).length;
      io.stdout(
        `${loaded.length} object(s) in ${files.length} file(s): ${count('error')} error(s), ${count('warning')} warning(s), ${count('info')} info\n`,
      );
    }
    return findings.some((f) => f.severity === 'error') ? 1 : 0;
  },
};

export function formatFinding(file: string, document: number, f: LintFinding): string {
  const who = f.object.namespace ? `${f.object.namespace}/${f.object.name}` : f.object.name;
  const field = f.path ? ` ${f.path}` : '';
  return `${file}:doc#${document} ${f.object.kind} ${who}${field}: [${f.code}] ${f.severity}: ${f.message} (${f.hint})`;
}
