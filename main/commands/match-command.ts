import {
  BROWSER_PRESETS,
  type Condition,
  compileRule,
  isBrowserPreset,
  isOsPreset,
  OS_PRESETS,
  parseCondition,
} from '../../shared/mesh/policy/index.ts';
import { yamlText } from '../../shared/text/yaml-text.ts';
import { re2Engine } from '../lib/re2-engine.ts';
import type { Command } from './command.ts';
import { parseCommandArgs, UsageError } from './command.ts';

const usage = `Usage: switchyard match [--os NAME] [--browser NAME] [--when CONDITION]... [--json]

Prints the Istio HTTPMatchRequest list that a content rule compiles to, ready to paste under
http[].match of a VirtualService. The entries are ORed; the conditions inside one are ANDed.
Every regex is checked with RE2, the engine Envoy uses.

Options:
  --os NAME          ${OS_PRESETS.join(', ')}
  --browser NAME     ${BROWSER_PRESETS.join(', ')}
  --when CONDITION   any further condition (repeatable):
                       header:NAME=VALUE  header:NAME~REGEX  header:NAME^PREFIX
                       header:NAME (present)  !header:NAME (absent)
                       cookie:NAME=VALUE  cookie:NAME~REGEX
                       query:NAME=VALUE  query:NAME~REGEX  source:LABEL=VALUE
  --json             print a JSON array instead of YAML
  -h, --help         show this help

Example:
  switchyard match --os android --browser chrome --json
`;

export const matchCommand: Command = {
  name: 'match',
  summary: 'print the Istio match for an OS / browser / header rule',
  usage,
  async run(args, io) {
    const { values } = parseCommandArgs({
      args,
      options: {
        os: { type: 'string' },
        browser: { type: 'string' },
        when: { type: 'string', multiple: true },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    });
    const conditions: Condition[] = [];
    if (values.os !== undefined) {
      const os = values.os.toLowerCase();
      if (!isOsPreset(os))
        throw new UsageError(
          `--os: unknown operating system '${values.os}' (known: ${OS_PRESETS.join(', ')})`,
        );
      conditions.push({ kind: 'os', os });
    }
    if (values.browser !== undefined) {
      const browser = values.browser.toLowerCase();
      if (!isBrowserPreset(browser))
        throw new UsageError(
          `--browser: unknown browser '${values.browser}' (known: ${BROWSER_PRESETS.join(', ')})`,
        );
      conditions.push({ kind: 'browser', browser });
    }
    for (const text of values.when ?? []) {
      try {
        conditions.push(parseCondition(text));
      } catch (err) {
        throw new UsageError(`--when: ${(err as Error).message}`);
      }
    }
    if (conditions.length === 0) throw new UsageError('give at least one of --os, --browser or --when');
    let matches: ReturnType<typeof compileRule>;
    try {
      matches = compileRule(conditions, re2Engine());
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    io.stdout(values.json ? `${JSON.stringify(matches, null, 2)}\n` : yamlText(matches));
    return 0;
  },
};
