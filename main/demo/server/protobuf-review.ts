// kubectl sends SelfSubjectAccessReview (`auth can-i`) as Kubernetes protobuf: the "k8s\0"
// magic, a runtime.Unknown envelope, then the object. This reads just enough of that wire
// format to recover the review's spec; answers go back as JSON, which kubectl also accepts.

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

type Fields = Map<number, Buffer[]>;

function readVarint(buf: Buffer, pos: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const b = buf[pos++];
    if (b === undefined) throw new Error('truncated varint');
    value += (b & 0x7f) * 2 ** shift;
    if ((b & 0x80) === 0) return [value, pos];
    shift += 7;
  }
}

/** Length-delimited fields of one message by field number (other wire types are skipped). */
function readFields(buf: Buffer): Fields {
  const out: Fields = new Map();
  let pos = 0;
  while (pos < buf.length) {
    const [key, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      const slice = buf.subarray(p2, p2 + len);
      pos = p2 + len;
      out.set(field, [...(out.get(field) ?? []), slice]);
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

function str(fields: Fields, n: number): string | undefined {
  const v = fields.get(n)?.[0];
  return v === undefined ? undefined : v.toString('utf8');
}

export function isKubeProtobuf(body: Buffer): boolean {
  return body.length >= 4 && body.subarray(0, 4).equals(magic);
}

/** The JSON form of a protobuf SelfSubjectAccessReview request body. */
export function decodeAccessReview(body: Buffer): { spec: Record<string, unknown> } {
  const unknown = readFields(body.subarray(4));
  const raw = unknown.get(2)?.[0];
  if (!raw) throw new Error('the protobuf envelope holds no object');
  const review = readFields(raw);
  const specBuf = review.get(2)?.[0];
  const spec: Record<string, unknown> = {};
  if (specBuf) {
    const s = readFields(specBuf);
    const ra = s.get(1)?.[0];
    const nra = s.get(2)?.[0];
    if (ra) {
      const f = readFields(ra);
      const names = ['', 'namespace', 'verb', 'group', 'version', 'resource', 'subresource', 'name'];
      const attrs: Record<string, string> = {};
      names.forEach((name, i) => {
        const v = i > 0 ? str(f, i) : undefined;
        if (name && v !== undefined) attrs[name] = v;
      });
      spec.resourceAttributes = attrs;
    }
    if (nra) {
      const f = readFields(nra);
      spec.nonResourceAttributes = { path: str(f, 1) ?? '', verb: str(f, 2) ?? '' };
    }
  }
  return { spec };
}
