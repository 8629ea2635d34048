// A text with holes: the JSON of one sample object with its per-object values (name, uid,
// resourceVersion, times…) cut out, filled again per object by concatenation. Many objects that
// differ only in those values are then one template and a few values each.

export interface TextTemplate {
  /** Literal text around the holes: parts.length === slots.length + 1. */
  readonly parts: readonly string[];
  /** Which value fills each hole. */
  readonly slots: readonly number[];
}

/** A value to cut out: a literal (every occurrence) or a pattern (each match), and its slot. */
export interface Hole {
  slot: number;
  literal?: string;
  pattern?: RegExp;
  /** For a pattern: the capture group that is the hole (the rest of the match stays literal). */
  group?: number;
}

function escaped(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Cuts every hole out of `text`. Literals are matched longest first, so a value that contains
 * another (a pod name containing its ReplicaSet's) is cut as the longer one only when it is a hole.
 */
export function compileTemplate(text: string, holes: readonly Hole[]): TextTemplate {
  const literals = holes
    .filter((h) => h.literal)
    .sort((a, b) => (b.literal as string).length - (a.literal as string).length);
  const alternatives: string[] = [];
  const slotOf: Array<{ slot: number; group?: number }> = [];
  let groupIndex = 1;
  for (const h of holes.filter((x) => x.pattern)) {
    const source = (h.pattern as RegExp).source;
    const inner = new RegExp(`${source}|`).exec('')?.length ?? 1;
    alternatives.push(`(${source})`);
    slotOf[groupIndex] = { slot: h.slot, ...(h.group !== undefined ? { group: groupIndex + h.group } : {}) };
    groupIndex += inner;
  }
  for (const h of literals) {
    alternatives.push(`(${escaped(h.literal as string)})`);
    slotOf[groupIndex] = { slot: h.slot };
    groupIndex += 1;
  }
  const parts: string[] = [];
  const slots: number[] = [];
  if (alternatives.length === 0) return { parts: [text], slots: [] };
  const re = new RegExp(alternatives.join('|'), 'g');
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    let g = 1;
    while (m[g] === undefined) g++;
    const hit = slotOf[g];
    if (!hit) throw new Error(`compileTemplate: no slot for group ${g}`);
    let start = m.index;
    let end = m.index + m[0].length;
    if (hit.group !== undefined) {
      const inner = m[hit.group] as string;
      const offset = m[0].indexOf(inner);
      start = m.index + offset;
      end = start + inner.length;
    }
    parts.push(text.slice(last, start));
    slots.push(hit.slot);
    last = end;
  }
  parts.push(text.slice(last));
  return { parts, slots };
}

/** The text with each hole filled by `values[slot]`. */
export function fillTemplate(t: TextTemplate, values: readonly string[]): string {
  let out = t.parts[0] as string;
  for (let i = 0; i < t.slots.length; i++)
    out += (values[t.slots[i] as number] as string) + (t.parts[i + 1] as string);
  return out;
}
