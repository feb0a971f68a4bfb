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
        : `Disconnected from host: ${link.reason}. Retrying in ${Math.ceil(link.retryInMs / 100) / 10} s…`;
  return (
    <div className={`host-banner host-${link.state}`} role="status" data-testid="host-banner" data-state={link.state}>
      {text}
    </div>
  );
}
