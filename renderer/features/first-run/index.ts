// What other features may use of the first run (the empty message list shows it).
export { FirstRun, useIsFirstRun } from './first-run';
