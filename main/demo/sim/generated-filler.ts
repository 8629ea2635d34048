// The generated services (`--services N`) as templates: one generated service is created in a
// scratch store and settled by the real controllers (Deployment → ReplicaSet → Ready pod), and its
// six objects' JSON become the templates every index is filled from. So a generated object read
// from the template is exactly what creating and settling it would have stored, but for its own
// uid, resourceVersion, times, cluster IP, pod name and pod IP.
import {
  generatedIndexOfName,
  generatedNamespace,
  generatedServiceGroup,
  generatedServiceName,
} from '../seed/generated-services.ts';
import { namespaceObject } from '../seed/kube-object-builders.ts';
import { createSeededRandom, hashString, KUBE_SUFFIX_ALPHABET } from '../seed/seeded-random.ts';
import { crdObjects } from '../store/crd-objects.ts';
import { MemoryObjectStore } from '../store/memory-object-store.ts';
import type { KubeObject, ResourceType } from '../store/object-store.ts';
import { served } from '../store/resource-types.ts';
import type { TemplateKind, TemplateSource } from '../store/template-objects.ts';
import { compileTemplate, type Hole, type TextTemplate } from '../store/text-template.ts';
import { createDeploymentController } from './deployment-controller.ts';
import { hashSuffixOf, POD_TEMPLATE_HASH_LABEL, podTemplateText } from './pod-template-hash.ts';
import { resolveSimResourceTypes } from './sim-resource-types.ts';

const MANAGER = 'switchyard-demo';
/** The sample's index: its names (`gen-0`, `svc-0000`) are the holes' literals. */
const SAMPLE = 0;

enum Slot {
  Namespace,
  Name,
  Rv,
  Time,
  ClusterIp,
  Hash,
  PodName,
  PodIp,
  ContainerId,
  /** Uid of kind k: Uid + k. */
  Uid,
}

interface Sample {
  type: ResourceType;
  obj: KubeObject;
  json: string;
  fieldsTracked: boolean;
}

/** The sample generated service, created and settled by the Deployment controller in a scratch store. */
function settledSample(seed: number, clusterIp: string): Sample[] {
  const store = new MemoryObjectStore();
  for (const obj of crdObjects()) store.create(obj, { manager: MANAGER, skipValidation: true });
  store.create(namespaceObject(generatedNamespace(SAMPLE), true), { manager: MANAGER });
  for (const obj of generatedServiceGroup(SAMPLE, clusterIp)) store.create(obj, { manager: MANAGER });
  const types = resolveSimResourceTypes(store);
  let clock = Date.now();
  const controller = createDeploymentController({
    store,
    types,
    random: createSeededRandom(seed).fork('generated-filler'),
    now: () => clock,
    podReadyDelayMs: 0,
  });
  controller.markAll();
  for (let round = 0; round < 10; round++) {
    const due = controller.sync();
    if (due === undefined) break;
    clock += due + 1;
  }
  controller.dispose();
  const ns = generatedNamespace(SAMPLE);
  const order = [
    types.service,
    types.deployment,
    types.replicaSet,
    types.pod,
    types.destinationRule,
    types.virtualService,
  ];
  return order.map((type) => {
    const entries = store.entries(type, ns);
    if (entries.length !== 1)
      throw new Error(`generated filler: the sample has ${entries.length} ${type.resource}`);
    const entry = entries[0] as NonNullable<(typeof entries)[0]>;
    return { type, obj: entry.obj, json: entry.json(), fieldsTracked: entry.fieldsTracked };
  });
}

function podSuffix(index: number): string {
  let h = hashString(`generated-pod|${index}`);
  let out = '';
  for (let i = 0; i < 5; i++) {
    out += KUBE_SUFFIX_ALPHABET[h % KUBE_SUFFIX_ALPHABET.length];
    h = Math.floor(h / KUBE_SUFFIX_ALPHABET.length);
  }
  return out;
}

function podIp(index: number): string {
  const block = Math.floor(index / 254);
  return `10.${244 + Math.floor(block / 256)}.${block % 256}.${1 + (index % 254)}`;
}

function containerId(index: number): string {
  return `${hashString(`generated-container|${index}`).toString(16).padStart(8, '0')}${index.toString(16).padStart(8, '0')}`;
}

/**
 * The generated services' objects (Service, Deployment, ReplicaSet, Pod, DestinationRule,
 * VirtualService per index) as templates for `MemoryObjectStore.loadTemplates`.
 */
export function generatedFiller(opts: { seed: number; clusterIps: readonly string[] }): TemplateSource {
  const count = opts.clusterIps.length;
  const samples = settledSample(opts.seed, opts.clusterIps[SAMPLE] ?? '10.96.0.1');
  const rs = samples[2]?.obj as KubeObject;
  const pod = samples[3]?.obj as KubeObject;
  const sampleHash = rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] ?? '';
  const samplePodIp = (pod.status as { podIP?: string }).podIP ?? '';
  const sampleContainer = /containerd:\/\/([^"]+)/.exec(samples[3]?.json ?? '')?.[1] ?? '';
  const nameHoles: Hole[] = [
    { slot: Slot.Namespace, literal: generatedNamespace(SAMPLE) },
    { slot: Slot.Name, literal: generatedServiceName(SAMPLE) },
  ];
  const holes: Hole[] = [
    ...nameHoles,
    { slot: Slot.Rv, pattern: /"resourceVersion":"(\d+)"/, group: 1 },
    { slot: Slot.Time, pattern: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/ },
    { slot: Slot.ClusterIp, literal: opts.clusterIps[SAMPLE] ?? '10.96.0.1' },
    { slot: Slot.Hash, literal: sampleHash },
    { slot: Slot.PodName, literal: pod.metadata.name },
    { slot: Slot.PodIp, literal: samplePodIp },
    ...(sampleContainer ? [{ slot: Slot.ContainerId, literal: sampleContainer }] : []),
    ...samples.map((s, k) => ({ slot: Slot.Uid + k, literal: s.obj.metadata.uid as string })),
  ];
  // The pod-template-hash of index i: the hash of the sample's template text with i's names.
  const depTemplate = ((samples[1] as Sample).obj.spec as { template?: unknown }).template;
  const hashText = compileTemplate(podTemplateText(depTemplate), nameHoles);
  const hashOf = (index: number): string =>
    hashSuffixOf(
      fill(hashText, (slot) =>
        slot === Slot.Namespace ? generatedNamespace(index) : generatedServiceName(index),
      ),
    );
  if (hashOf(SAMPLE) !== sampleHash)
    throw new Error('generated filler: the pod-template-hash does not reproduce');

  const kinds: TemplateKind[] = samples.map((s, k) => {
    const t = compileTemplate(s.json, holes);
    const name =
      k === 1
        ? (i: number) => `${generatedServiceName(i)}-v1`
        : k === 2
          ? (i: number) => `${generatedServiceName(i)}-v1-${hashOf(i)}`
          : k === 3
            ? (i: number) => `${generatedServiceName(i)}-v1-${hashOf(i)}-${podSuffix(i)}`
            : generatedServiceName;
    if (k !== 3 && name(SAMPLE) !== s.obj.metadata.name)
      throw new Error(`generated filler: ${s.type.resource} name`);
    return {
      storageKey: served(s.type).storageKey,
      apiVersion: s.obj.apiVersion,
      namespace: generatedNamespace,
      name,
      fieldsTracked: s.fieldsTracked,
      json(index, rv, uidOf, time) {
        let hash: string | undefined;
        return fill(t, (slot) => {
          switch (slot) {
            case Slot.Namespace:
              return generatedNamespace(index);
            case Slot.Name:
              return generatedServiceName(index);
            case Slot.Rv:
              return String(rv);
            case Slot.Time:
              return time;
            case Slot.ClusterIp:
              return opts.clusterIps[index] as string;
            case Slot.Hash:
              hash ??= hashOf(index);
              return hash;
            case Slot.PodName:
              hash ??= hashOf(index);
              return `${generatedServiceName(index)}-v1-${hash}-${podSuffix(index)}`;
            case Slot.PodIp:
              return podIp(index);
            case Slot.ContainerId:
              return containerId(index);
            default:
              return uidOf(index, slot - Slot.Uid);
          }
        });
      },
    };
  });
  return { count, kinds, indexOfName: generatedIndexOfName };
}

function fill(t: TextTemplate, value: (slot: number) => string): string {
  let out = t.parts[0] as string;
  for (let i = 0; i < t.slots.length; i++) out += value(t.slots[i] as number) + (t.parts[i + 1] as string);
  return out;
}
