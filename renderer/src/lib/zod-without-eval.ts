// Imported first by main.tsx, before any schema is built: zod 4 would otherwise probe `new
// Function` to compile fast parsers, which the desktop CSP (no 'unsafe-eval') refuses and reports
// as a violation. Without the probe zod uses its interpreted parsers, which are all we need.
import { config } from 'zod';

config({ jitless: true });
