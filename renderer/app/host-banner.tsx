import { type ReactNode, useEffect, useState } from 'react';
import type { HostLink, HostLinkReason } from '../bridge/host-link';
import { useUiStore } from '../stores/ui-store';
import { Trans, translate } from '../ui/i18n';

/** The line the workbench prints at start, with this page's port. */
function PrintedLine() {
  return <code>{`${PRINTED} http://127.0.0.1:${location.port}/#token=…`}</code>;
}

/** What the workbench prints (its terminal output is English in every language). */
const PRINTED = 'Workbench ready:';
/** The printed line, where a catalog text says <printed/>. */
const WITH_PRINTED = { printed: <PrintedLine /> };

/** Why the link closed, in the UI language (the bridge reports the kind, not the words). */
function reasonText(reason: HostLinkReason): string {
  switch (reason.kind) {
    case 'stopped':
      return translate('app:host.reasons.stopped');
    case 'not-running':
      return translate('app:host.reasons.notRunning');
    case 'refused':
      return translate('app:host.reasons.refused');
    case 'closed':
      // The host's own text, if it sent one, follows in its words.
      return reason.text ? translate('app:host.reasons.closedWith', { code: String(reason.code), text: reason.text }) : translate('app:host.reasons.closed', { code: String(reason.code) });
  }
}

function describe(link: Exclude<HostLink, { state: 'open' }>): ReactNode {
  switch (link.state) {
    case 'connecting':
      return translate('app:host.connecting');
    case 'no-token':
      return <Trans ns="app" i18nKey="host.noToken" components={WITH_PRINTED} />;
    case 'wrong-token':
      return <Trans ns="app" i18nKey="host.wrongToken" components={WITH_PRINTED} />;
    case 'closed':
      if (link.reason.kind === 'refused') {
        return <Trans ns="app" i18nKey="host.refused" components={WITH_PRINTED} />;
      }
      return link.wasOpen
        ? translate('app:host.disconnected', { reason: reasonText(link.reason), attempt: String(link.attempt) })
        : translate('app:host.unreachable', { reason: reasonText(link.reason), attempt: String(link.attempt) });
  }
}

/** How long the first connection to the host may take before the banner says it is being made. */
const CONNECTING_QUIET_MS = 1000;

/** Says plainly when the page cannot reach the workbench host, and what to do (browser mode only). */
export function HostBanner() {
  const link = useUiStore((s) => s.hostLink);
  const connecting = link.state === 'connecting';
  // The page renders before its socket is open; on this computer that takes a moment: a banner
  // that came and went at once would only push the page down and back. Said once it takes longer.
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    setSlow(false);
    if (!connecting) return;
    const timer = setTimeout(() => setSlow(true), CONNECTING_QUIET_MS);
    return () => clearTimeout(timer);
  }, [connecting]);
  if (link.state === 'open' || (connecting && !slow)) return null;
  return (
    <div className={`host-banner host-${link.state}`} role="status" data-testid="host-banner" data-state={link.state}>
      {describe(link)}
    </div>
  );
}
