import { useEffect } from 'react';
import { useBrokerStore } from '../../stores/broker-store';
import { BrokerControls, BrokerStatusLine } from './broker-controls';
import { BrokerLists } from './broker-lists';
import { BrokerStats } from './broker-stats';
import './broker.css';

/** The embedded broker: start/stop, where it listens, live counters and what is inside. */
export function BrokerPanel() {
  const refresh = useBrokerStore((s) => s.refresh);
  // The broker may have been started before this window opened (or by another one).
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return (
    <div className="broker-panel" data-testid="broker-panel">
      <BrokerControls />
      <BrokerStatusLine />
      <BrokerStats />
      <BrokerLists />
    </div>
  );
}
