import { useEffect } from 'react';
import { useBrokerStore } from '../../stores/broker-store';
import { BrokerControls, BrokerStatusLine } from './broker-controls';
import { BrokerLists } from './broker-lists';
import { BrokerStats } from './broker-stats';
import './broker.css';

/** The embedded broker: start/stop, where it listens, live counters and what is inside. */
export function BrokerPanel() {
  const refresh = useBrokerStore((s) => s.refresh);
  const setWatching = useBrokerStore((s) => s.setWatching);
  // The broker may have been started before this window opened (or by another one), and the
  // lists may be stale: nothing is inspected while no panel shows them.
  useEffect(() => {
    setWatching(true);
    void refresh();
    return () => setWatching(false);
  }, [refresh, setWatching]);
  return (
    <div className="broker-panel" data-testid="broker-panel">
      <BrokerControls />
      <BrokerStatusLine />
      <BrokerStats />
      <BrokerLists />
    </div>
  );
}
