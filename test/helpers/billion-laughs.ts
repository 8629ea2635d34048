/**
 * A "billion laughs" YAML mapping: nine levels of anchors, each aliasing the one before nine times
 * (9^9 strings once expanded), followed by `tail` (more keys of the same mapping).
 */
export function billionLaughs(tail = ''): string {
  const lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 8; i++)
    lines.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(',')}]`,
    );
  return `${lines.join('\n')}\n${tail}`;
}
