import type { WorkbenchApi } from '../../shared/contract';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in browser mode. */
    workbench?: WorkbenchApi;
  }
}

export {};
