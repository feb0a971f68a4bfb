import type { ReactNode } from 'react';
import type { HostLink } from '../bridge/host-link';
import { useUiStore } from '../stores/ui-store';

/** The line the workbench prints at start, with this page's port. */
function PrintedLine() {
  return <code>Workbench ready: http://127.0.0.1:{location.port}/#token=…</code>;
}

function describe(link: Exclude<HostLink, { state: 'open' }>): ReactNode {
  switch (link.state) {
    case 'connecting':
      return 'Connecting to the workbench host…';
    case 'no-token':
      return (
        <>
          This address has no token. Open the exact address the workbench printed when it started (<PrintedLine />).
        </>
      );
    case 'wrong-token':
      return (
        <>
          This page&apos;s address is from another launch of the workbench. Open the address the workbench printed (<PrintedLine />), or
          paste it into this tab, or start the workbench again with the same data folder.
        </>
      );
    case 'closed':
      if (link.refused) {
        return (
          <>
            The workbench host refused this page because of its address. Open the address exactly as the workbench printed it (
            <PrintedLine />
            ), with 127.0.0.1.
          </>
        );
      }
      return link.wasOpen
        ? `Disconnected from host: ${link.reason}. This page reconnects by itself when the workbench is running again (attempt ${link.attempt}).`
        : `Cannot reach the workbench host: ${link.reason}. Start it (npm start), and this page connects by itself (attempt ${link.attempt}).`;
  }
}

/** Says plainly when the page cannot reach the workbench host, and what to do (browser mode only). */
export function HostBanner() {
  const link = useUiStore((s) => s.hostLink);
  if (link.state === 'open') return null;
  return (
    <div className={`host-banner host-${link.state}`} role="status" data-testid="host-banner" data-state={link.state}>
      {describe(link)}
    </div>
  );
}
