#!/usr/bin/env node
// Writes main/demo/store/crd-schemas.json: the structural schemas (openAPIV3Schema) of the CRDs the
// demo mesh serves — Istio's VirtualService, DestinationRule and Gateway, and Gateway API's
// HTTPRoute, Gateway and ReferenceGrant — from the reference CRDs beside the project
// (../shared/reference/crds), so the demo's OpenAPI v3 documents describe every field as a real
// API server does (kubectl explain virtualservice.spec.http.route.weight). The app never reads
// ../shared at run time: this copy is committed. Compact: descriptions keep their first paragraph
// (at most 400 characters), and CEL rules (x-kubernetes-validations) are left out, as nothing of
// the demo's OpenAPI needs them.
//
//   node scripts/generate-demo-crd-schemas.mjs [path/to/shared/reference/crds]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const crds = resolve(process.argv[2] ?? join(root, '..', 'shared', 'reference', 'crds'));
const out = join(root, 'main', 'demo', 'store', 'crd-schemas.json');

/** [file under crds/, CRD name, versions the demo serves] */
const wanted = [
  ['istio-1.30.3/crd-all.gen.yaml', 'virtualservices.networking.istio.io', ['v1', 'v1beta1']],
  ['istio-1.30.3/crd-all.gen.yaml', 'destinationrules.networking.istio.io', ['v1', 'v1beta1']],
  ['istio-1.30.3/crd-all.gen.yaml', 'gateways.networking.istio.io', ['v1', 'v1beta1']],
  [
    'gateway-api-v1.6.1-standard/gateway.networking.k8s.io_httproutes.yaml',
    'httproutes.gateway.networking.k8s.io',
    ['v1'],
  ],
  [
    'gateway-api-v1.6.1-standard/gateway.networking.k8s.io_gateways.yaml',
    'gateways.gateway.networking.k8s.io',
    ['v1'],
  ],
  [
    'gateway-api-v1.6.1-standard/gateway.networking.k8s.io_referencegrants.yaml',
    'referencegrants.gateway.networking.k8s.io',
    ['v1', 'v1beta1'],
  ],
];

function shortDescription(text) {
  const first = String(text)
    .split(/\n\s*\n/)[0]
    .replace(/\s+/g, ' ')
    .trim();
  return first.length > 400 ? `${first.slice(0, 397).replace(/\s+\S*$/, '')}…` : first;
}

function compact(schema) {
  if (Array.isArray(schema)) return schema.map(compact);
  if (typeof schema !== 'object' || schema === null) return schema;
  const outObj = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'x-kubernetes-validations') continue;
    if (k === 'description' && typeof v === 'string') outObj[k] = shortDescription(v);
    else if (k === 'properties' || k === 'patternProperties')
      outObj[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, compact(s)]));
    else outObj[k] = compact(v);
  }
  return outObj;
}

const docsByFile = new Map();
const result = {};
for (const [file, name, versions] of wanted) {
  if (!docsByFile.has(file))
    docsByFile.set(
      file,
      parseAllDocuments(readFileSync(join(crds, file), 'utf8')).map((d) => d.toJS()),
    );
  const crd = docsByFile
    .get(file)
    .find((d) => d?.kind === 'CustomResourceDefinition' && d.metadata?.name === name);
  if (!crd) throw new Error(`${file} has no CustomResourceDefinition ${name}`);
  for (const version of versions) {
    const v = crd.spec.versions.find((x) => x.name === version);
    const schema = v?.schema?.openAPIV3Schema;
    if (!schema) throw new Error(`${name} has no schema for ${version}`);
    result[`${crd.spec.group}/${version}/${crd.spec.names.kind}`] = compact(schema);
  }
}
// One line per schema: diffs stay readable, the file stays small.
const body = `{\n${Object.entries(result)
  .map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
  .join(',\n')}\n}\n`;
writeFileSync(out, body);
console.log(`wrote ${out} (${Object.keys(result).length} schemas, ${body.length} bytes)`);
