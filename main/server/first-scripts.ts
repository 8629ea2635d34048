// The scripts a page fetches before it can run: its module entry and the chunks index.html
// preloads. The web server waits until all of them went out before it loads the socket layer,
// so none of them queues behind the layer's module loading on the only thread.

const SCRIPT_SRC = /<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g;
const PRELOAD_HREF = /<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g;

/** Request paths (`/assets/x.js`) of the first scripts named in an index.html. */
export function firstScriptPaths(html: string): string[] {
  const paths = new Set<string>();
  for (const pattern of [SCRIPT_SRC, PRELOAD_HREF])
    for (const m of html.matchAll(pattern)) {
      const ref = m[1] as string;
      if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith('//')) continue;
      paths.add(new URL(ref, 'http://page/').pathname);
    }
  return [...paths];
}

/**
 * Tells when every first script was served once. Before the page's HTML was read, or when it
 * names none, the first script served is enough (as before first scripts were counted).
 */
export function firstScriptsTracker(onAllServed: () => void) {
  let pending: Set<string> | undefined;
  const served = new Set<string>();
  let done = false;
  const check = () => {
    if (done) return;
    if (pending === undefined ? served.size > 0 : [...pending].every((p) => served.has(p))) {
      done = true;
      onAllServed();
    }
  };
  return {
    pageRead(html: string) {
      if (done || pending !== undefined) return;
      const paths = firstScriptPaths(html);
      if (paths.length > 0) pending = new Set(paths);
      check();
    },
    scriptServed(path: string) {
      served.add(path);
      check();
    },
    /** Whether `path` was served after the first scripts and is not one of them (a lazy chunk). */
    isLater(path: string): boolean {
      return done && pending !== undefined && !pending.has(path);
    },
  };
}
