import { useUiStore } from '../stores/ui-store';

/** Says plainly when the page cannot reach the workbench host (browser mode only). */
export function HostBanner() {
  const link = useUiStore((s) => s.hostLink);
  if (link.state === 'open') return null;
  const text =
    link.state === 'connecting'
      ? 'Connecting to the workbench host…'
      : link.state === 'no-token'
        ? link.reason
        : `Disconnected from host: ${link.reason}. Reconnecting (attempt ${link.attempt})… Is the workbench host still running?`;
  return (
    <div className={`host-banner host-${link.state}`} role="status" data-testid="host-banner" data-state={link.state}>
      {text}
    </div>
  );
}
