const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** How long ago an instant was, in words: "a few seconds", "5 minutes", "3 hours", "2 days". */
export function relativeAge(iso: string, now = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return 'an unknown time';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'a few seconds';
  const m = Math.round(s / 60);
  if (m < 60) return plural(m, 'minute');
  const h = Math.round(s / 3600);
  if (h < 48) return plural(h, 'hour');
  return plural(Math.round(s / 86_400), 'day');
}

/** The instant in the operator's own locale and time zone. */
export function localTime(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString();
}
