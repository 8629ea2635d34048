import {
  compileVirtualService,
  type MeshRequest,
  type PreviewResult,
  previewTraffic,
  RouteCompileError,
  virtualServicesForHost,
} from '../../shared/mesh/evaluate/index.ts';
import { isDestinationRule, isVirtualService } from '../../shared/mesh/model/index.ts';
import { re2Engine } from '../lib/re2-engine.ts';
import type { Command } from './command.ts';
import { InputError, parseCommandArgs, UsageError } from './command.ts';
import { readSourceFile, readYamlFiles } from './read-yaml-files.ts';

const usage = `Usage: switchyard preview -f FILE [-f FILE]... --host HOST --requests REQUESTS.jsonl [--json]

Routes a sample of requests through the VirtualService for HOST exactly as Envoy would, and prints
the share of requests per version and per rule. Subsets are checked against the DestinationRules
in the same files (a subset none defines gives 503), when the files hold any.

Options:
  -f, --file FILE        YAML file(s) with the VirtualService (and DestinationRules)
  --host HOST            the host to route (as in spec.hosts; short names resolve per namespace)
  --requests FILE        one JSON request per line:
                           {"method":"GET","path":"/api?x=1","headers":{"user-agent":"…"},"query":{"k":"v"}}
                         optional extra fields: authority, sourceLabels, sourceNamespace, gateway, port
  --seed N               seed for the weighted choice (default 1; the same seed gives the same result)
  --json                 print the result as JSON
  -h, --help             show this help
`;

const STRING_FIELDS = ['method', 'path', 'authority', 'scheme', 'sourceNamespace', 'gateway'] as const;
const MAP_FIELDS = ['headers', 'query', 'sourceLabels'] as const;

/** Parses and checks one JSONL request; errors name the file, line and field. */
export function parseRequestLine(line: string, where: string): MeshRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (err) {
    throw new InputError(`${where}: not valid JSON (${(err as Error).message})`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new InputError(`${where}: expected a JSON object`);
  const o = value as Record<string, unknown>;
  for (const f of STRING_FIELDS)
    if (o[f] !== undefined && typeof o[f] !== 'string')
      throw new InputError(`${where}: field '${f}' must be a string`);
  for (const f of MAP_FIELDS) {
    const m = o[f];
    if (m === undefined) continue;
    if (!m || typeof m !== 'object' || Array.isArray(m))
      throw new InputError(`${where}: field '${f}' must be an object`);
    for (const [k, v] of Object.entries(m))
      if (typeof v !== 'string')
        throw new InputError(`${where}: field '${f}.${k}' must be a string, not ${JSON.stringify(v)}`);
  }
  if (o.port !== undefined && (typeof o.port !== 'number' || !Number.isInteger(o.port)))
    throw new InputError(`${where}: field 'port' must be a whole number`);
  if (typeof o.path === 'string' && !o.path.startsWith('/'))
    throw new InputError(`${where}: field 'path' must start with '/'`);
  return o as MeshRequest;
}

async function readRequests(file: string, cwd: string): Promise<MeshRequest[]> {
  // A regular file under the size limit, read once (a FIFO or device is refused with its kind).
  const { text } = await readSourceFile(file, cwd);
  const out: MeshRequest[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    out.push(parseRequestLine(line, `${file}:${i + 1}`));
  });
  if (out.length === 0) throw new InputError(`${file}: holds no requests`);
  return out;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

function render(result: PreviewResult, title: string, ruleLabels: Map<number, string>): string {
  const lines = [title, '', 'Versions:'];
  if (result.versions.length === 0) lines.push('  (no request reached a version)');
  for (const v of result.versions)
    lines.push(`  ${v.version.padEnd(24)} ${String(v.count).padStart(7)}  ${pct(v.share).padStart(6)}`);
  if (result.other.length > 0) {
    lines.push('', 'Not routed to a version:');
    for (const o of result.other)
      lines.push(`  ${o.outcome.padEnd(24)} ${String(o.count).padStart(7)}  ${pct(o.share).padStart(6)}`);
  }
  lines.push('', 'Rules:');
  for (const r of result.rules) {
    const name =
      r.ruleIndex === null ? 'no rule matched' : (ruleLabels.get(r.ruleIndex) ?? `spec.http[${r.ruleIndex}]`);
    const split = Object.entries(r.versions)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    lines.push(`  ${name.padEnd(24)} ${String(r.count).padStart(7)}  ${pct(r.share).padStart(6)}  ${split}`);
  }
  return `${lines.join('\n')}\n`;
}

export const previewCommand: Command = {
  name: 'preview',
  summary: 'show where a sample of requests would go',
  usage,
  async run(args, io) {
    const { values, positionals } = parseCommandArgs({
      args,
      options: {
        file: { type: 'string', short: 'f', multiple: true },
        host: { type: 'string' },
        requests: { type: 'string' },
        seed: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: true,
    });
    const files = [...(values.file ?? []), ...positionals];
    if (files.length === 0) throw new UsageError('give the routing file with -f FILE');
    if (!values.host) throw new UsageError('give the host to route with --host HOST');
    if (!values.requests) throw new UsageError('give the sample with --requests FILE.jsonl');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed must be a whole number, not '${values.seed}'`);

    const loaded = await readYamlFiles(files, io.cwd);
    const objects = loaded.map((l) => l.object);
    const candidates = virtualServicesForHost(objects, values.host);
    const vs = candidates[0];
    if (!vs) {
      const hosts = objects
        .filter(isVirtualService)
        .flatMap((v) => (Array.isArray(v.spec?.hosts) ? v.spec.hosts : []));
      throw new InputError(
        `no VirtualService in ${files.join(', ')} routes host '${values.host}' (hosts found: ${hosts.join(', ') || 'none'})`,
      );
    }
    const origin = loaded[objects.indexOf(vs)]!;
    const where = `${origin.file}:doc#${origin.index} VirtualService ${vs.metadata.namespace ? `${vs.metadata.namespace}/` : ''}${vs.metadata.name}`;
    const requests = await readRequests(values.requests, io.cwd);
    const destinationRules = objects.filter(isDestinationRule);
    let router: ReturnType<typeof compileVirtualService>;
    try {
      router = compileVirtualService(vs, {
        engine: re2Engine(),
        ...(destinationRules.length ? { destinationRules } : {}),
      });
    } catch (err) {
      if (err instanceof RouteCompileError) throw new InputError(`${where} ${err.message}`);
      throw err;
    }
    const result = previewTraffic(router, requests, { seed });
    if (candidates.length > 1)
      io.stderr(
        `switchyard preview: ${candidates.length} VirtualServices route '${values.host}'; using ${where}\n`,
      );
    if (values.json) {
      const { outcomes: _outcomes, ...summary } = result;
      io.stdout(
        `${JSON.stringify({ host: values.host, virtualService: where, seed, ...summary }, null, 2)}\n`,
      );
    } else {
      const labels = new Map(
        router.rules.map((r) => [r.index, `spec.http[${r.index}]${r.name ? ` '${r.name}'` : ''}`]),
      );
      io.stdout(
        render(
          result,
          `Preview of ${values.host} through ${where}: ${result.total} requests, seed ${seed}`,
          labels,
        ),
      );
    }
    return 0;
  },
};
