import type { WorkbenchApi } from '../../shared/contract';

/**
 * The one WorkbenchApi, set once at startup (renderer/main.tsx) so stores can call it without
 * importing the bridge, which keeps them testable with a fake API.
 */
let current: WorkbenchApi | null = null;

export function setApi(api: WorkbenchApi): void {
  current = api;
}

export function getApi(): WorkbenchApi {
  if (!current) throw new Error('WorkbenchApi used before setApi() at startup');
  return current;
}
