// Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: the columns a
// real server prints for the built-in kinds and the CRDs' additionalPrinterColumns.
import type { KubeObject } from '../store/object-store.ts';
import type { PrinterColumn, ServedResource } from '../store/resource-types.ts';

interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** kubectl's HumanDuration, so AGE reads the same as against a real cluster. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 192) return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  const d = Math.floor(h / 24);
  if (d < 730) return `${d}d`;
  const y = Math.floor(d / 365);
  if (d < 2920) return `${y}y${d % 365}d`;
  return `${y}y`;
}

function age(obj: KubeObject): string {
  const t = obj.metadata.creationTimestamp;
  return typeof t === 'string' ? humanDuration(Date.now() - Date.parse(t)) : '<unknown>';
}

/** The JSONPath subset printer columns use: `.a.b`, `.a[*].b`, `.a[?(@.k=="v")].b`. */
export function evalJsonPath(obj: unknown, path: string): unknown[] {
  const tokens = path.match(/\.[^.[]+|\[[^\]]*\]/g) ?? [];
  let cur: unknown[] = [obj];
  for (const tok of tokens) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (tok.startsWith('.')) {
        if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
          const x = (v as Record<string, unknown>)[tok.slice(1)];
          if (x !== undefined) next.push(x);
        }
      } else if (tok === '[*]') {
        if (Array.isArray(v)) next.push(...v);
      } else if (Array.isArray(v)) {
        const filter = /^\[\?\(@\.([\w.]+)\s*==\s*["']([^"']*)["']\)\]$/.exec(tok);
        if (filter)
          next.push(
            ...v.filter(
              (x) =>
                x &&
                typeof x === 'object' &&
                String((x as Record<string, unknown>)[filter[1] ?? '']) === filter[2],
            ),
          );
        else {
          const i = Number(tok.slice(1, -1));
          if (Number.isInteger(i) && v[i] !== undefined) next.push(v[i]);
        }
      }
    }
    cur = next;
  }
  return cur;
}

function cell(value: unknown[], type: PrinterColumn['type']): unknown {
  if (value.length === 0) return type === 'integer' || type === 'number' ? null : '';
  const v = value.length === 1 ? value[0] : value;
  if (type === 'date' && typeof v === 'string') return humanDuration(Date.now() - Date.parse(v));
  if (typeof v === 'object') return JSON.stringify(v);
  return value.length === 1 ? v : value.join(' ');
}

type Printer = {
  columns: Array<[string, string, number?]>;
  cells: (o: KubeObject) => unknown[];
  noAge?: boolean;
};

const num = (v: unknown) => (typeof v === 'number' ? v : 0);
const spec = (o: KubeObject) => (o.spec ?? {}) as Record<string, unknown>;
const status = (o: KubeObject) => (o.status ?? {}) as Record<string, unknown>;

const builtIn: Record<string, Printer> = {
  '/namespaces': { columns: [['Status', 'string']], cells: (o) => [status(o).phase ?? 'Active'] },
  '/services': {
    columns: [
      ['Type', 'string'],
      ['Cluster-IP', 'string'],
      ['External-IP', 'string'],
      ['Port(s)', 'string'],
      ['Selector', 'string', 1],
    ],
    cells: (o) => {
      const ports = (spec(o).ports as Array<Record<string, unknown>> | undefined) ?? [];
      const selector = Object.entries((spec(o).selector as Record<string, string>) ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return [
        spec(o).type ?? 'ClusterIP',
        spec(o).clusterIP ?? '<none>',
        '<none>',
        ports.map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(',') || '<none>',
        selector || '<none>',
      ];
    },
  },
  '/pods': {
    columns: [
      ['Ready', 'string'],
      ['Status', 'string'],
      ['Restarts', 'string'],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
    ],
    cells: (o) => {
      const containers = (spec(o).containers as unknown[] | undefined) ?? [];
      const statuses = (status(o).containerStatuses as Array<Record<string, unknown>> | undefined) ?? [];
      const ready = statuses.filter((c) => c.ready === true).length;
      const restarts = statuses.reduce((n, c) => n + num(c.restartCount), 0);
      const phase = o.metadata.deletionTimestamp
        ? 'Terminating'
        : (status(o).reason ?? status(o).phase ?? 'Pending');
      return [
        `${ready}/${containers.length}`,
        phase,
        String(restarts),
        status(o).podIP ?? '<none>',
        spec(o).nodeName ?? '<none>',
      ];
    },
  },
  'apps/deployments': {
    columns: [
      ['Ready', 'string'],
      ['Up-to-date', 'integer'],
      ['Available', 'integer'],
      ['Containers', 'string', 1],
      ['Images', 'string', 1],
    ],
    cells: (o) => {
      const containers =
        (spec(o).template as { spec?: { containers?: Array<Record<string, unknown>> } } | undefined)?.spec
          ?.containers ?? [];
      return [
        `${num(status(o).readyReplicas)}/${num(spec(o).replicas)}`,
        num(status(o).updatedReplicas),
        num(status(o).availableReplicas),
        containers.map((c) => c.name).join(','),
        containers.map((c) => c.image).join(','),
      ];
    },
  },
  'apps/replicasets': {
    columns: [
      ['Desired', 'integer'],
      ['Current', 'integer'],
      ['Ready', 'integer'],
    ],
    cells: (o) => [num(spec(o).replicas), num(status(o).replicas), num(status(o).readyReplicas)],
  },
  'apiextensions.k8s.io/customresourcedefinitions': {
    columns: [['Created At', 'date']],
    cells: (o) => [o.metadata.creationTimestamp],
    noAge: true,
  },
};

export interface TableShape {
  columnDefinitions: ColumnDefinition[];
  row: (o: KubeObject) => { cells: unknown[]; object: unknown };
}

export function tableShape(r: ServedResource): TableShape {
  const name: ColumnDefinition = {
    name: 'Name',
    type: 'string',
    format: 'name',
    description: 'Name must be unique within a namespace.',
    priority: 0,
  };
  const partial = (o: KubeObject) => ({
    kind: 'PartialObjectMetadata',
    apiVersion: 'meta.k8s.io/v1',
    metadata: o.metadata,
  });
  const printer = builtIn[r.storageKey];
  if (printer) {
    const defs = printer.columns.map(([n, type, priority]) => ({
      name: n,
      type,
      format: '',
      description: n,
      priority: priority ?? 0,
    }));
    const ageDef: ColumnDefinition = {
      name: 'Age',
      type: 'string',
      format: '',
      description: 'CreationTimestamp',
      priority: 0,
    };
    const wide = defs.filter((d) => d.priority > 0);
    const narrow = defs.filter((d) => d.priority === 0);
    return {
      columnDefinitions: [name, ...narrow, ...(printer.noAge ? [] : [ageDef]), ...wide],
      row: (o) => {
        const values = printer.cells(o);
        const narrowCells = values.filter((_, i) => (printer.columns[i]?.[2] ?? 0) === 0);
        const wideCells = values.filter((_, i) => (printer.columns[i]?.[2] ?? 0) > 0);
        const ageCell = printer.noAge ? [] : [age(o)];
        return { cells: [o.metadata.name, ...narrowCells, ...ageCell, ...wideCells], object: partial(o) };
      },
    };
  }
  const cols = r.printerColumns ?? [{ name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' }];
  return {
    columnDefinitions: [
      name,
      ...cols.map((c) => ({
        name: c.name,
        type: c.type,
        format: '',
        description: c.description ?? '',
        priority: c.priority ?? 0,
      })),
    ],
    row: (o) => ({
      cells: [o.metadata.name, ...cols.map((c) => cell(evalJsonPath(o, c.jsonPath), c.type))],
      object: partial(o),
    }),
  };
}

export function tableOf(
  r: ServedResource,
  objects: KubeObject[],
  meta: Record<string, unknown>,
  withColumns = true,
) {
  const shape = tableShape(r);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: meta,
    columnDefinitions: withColumns ? shape.columnDefinitions : null,
    rows: objects.map(shape.row),
  };
}
