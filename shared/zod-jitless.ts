import { config } from 'zod';

// The contract's schemas are built in the page (renderer) and the preload too. Zod compiles fast
// parsers with `new Function`, which the CSP (script-src 'self', no 'unsafe-eval') forbids and
// reports as a violation. Zod decides when each schema is built, so this module must be evaluated
// before shared/contract: it is the first import of renderer/main.tsx and main/electron/preload.ts.
config({ jitless: true });
