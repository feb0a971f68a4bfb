import type { TransportClient } from '../../shared/contract';

declare global {
  interface Window {
    /** The desktop transport, exposed by the Electron preload (contextBridge); absent in browser mode. */
    workbench?: TransportClient;
    /** The desktop's save dialog and "Show in folder" (main/electron/save-dialog.ts); absent in browser mode. */
    workbenchDesktop?: {
      saveDownload(downloadId: string): Promise<
        { saved: true; savedId: string; fileName: string } | { saved: false; reason: 'cancelled' | 'gone' | 'failed'; message?: string }
      >;
      showInFolder(savedId: string): Promise<boolean>;
    };
  }
}

export {};
