/** The keyboard shortcuts, once: the handler and the help sheet both read this table. */
export const SHORTCUTS = [
  { keys: '?', action: 'help', description: 'Show this help' },
  { keys: '/', action: 'search', description: 'Search services' },
  { keys: 'k', action: 'cluster', description: 'Switch cluster' },
  { keys: 'r', action: 'review', description: 'Review changes of the open service' },
  { keys: 'e', action: 'even', description: 'Even split of the open service' },
  { keys: 'Escape', action: 'close', description: 'Close a dialog' },
  { keys: '← → ↑ ↓', action: 'slider', description: 'On a weight slider: ±1' },
  { keys: 'PageUp PageDown', action: 'slider', description: 'On a weight slider: ±10' },
] as const;

export type ShortcutAction = (typeof SHORTCUTS)[number]['action'];

/** The action of a key press outside text fields, or null. */
export function shortcutFor(e: {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  target: unknown;
}): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const t = e.target as {
    tagName?: string;
    isContentEditable?: boolean;
    getAttribute?: (n: string) => string | null;
  } | null;
  const tag = t?.tagName?.toLowerCase();
  if (tag === 'input' || tag === 'select' || tag === 'textarea' || t?.isContentEditable) return null;
  if (t?.getAttribute?.('role') === 'slider') return null;
  switch (e.key) {
    case '?':
      return 'help';
    case '/':
      return 'search';
    case 'k':
      return 'cluster';
    case 'r':
      return 'review';
    case 'e':
      return 'even';
    default:
      return null;
  }
}
