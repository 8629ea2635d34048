// What `zod` is in the renderer's build (both vite configs alias the bare name here). zod 4 probes
// `new Function` when its first object schema is built, to compile fast parsers; the desktop CSP
// (no 'unsafe-eval') refuses that and reports a violation. `jitless` skips the probe, and zod
// parses with its interpreted parsers, which are all the renderer needs. Set here, it is set
// before any schema module runs, however the bundler splits and orders the chunks: every such
// module imports zod, and so this module, first. (An import at the top of main.tsx was not
// enough once the screens became lazy chunks: the schemas went to a shared chunk that runs first.)
import { config } from 'zod/v4/core';

config({ jitless: true });

export * from 'zod/v4';
export { default } from 'zod/v4';
