/**
 * The weight a slider moves to for a key, following the WAI-ARIA slider pattern: arrows ±1,
 * PageUp/PageDown ±10, Home/End to the ends. null for keys the slider does not handle.
 */
export function weightForKey(key: string, current: number): number | null {
  const clamp = (n: number) => Math.max(0, Math.min(100, n));
  switch (key) {
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(current + 1);
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(current - 1);
    case 'PageUp':
      return clamp(current + 10);
    case 'PageDown':
      return clamp(current - 10);
    case 'Home':
      return 0;
    case 'End':
      return 100;
    default:
      return null;
  }
}

/** The weight under a pointer at clientX on a track spanning [left, left + width]. */
export function weightAtPointer(clientX: number, left: number, width: number): number {
  if (width <= 0) return 0;
  return Math.max(0, Math.min(100, Math.round(((clientX - left) / width) * 100)));
}
