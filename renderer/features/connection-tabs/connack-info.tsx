import type { ConnackInfo } from '../../../shared/contract';
import { describeReason } from '../../../shared/mqtt/reason-codes';

/** Readable CONNACK property values: booleans and numbers as the broker sent them, objects as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What the broker granted: session present, reason code and every CONNACK property. */
export function ConnackDetails({ connack }: { connack: ConnackInfo }) {
  const properties = Object.entries(connack.properties ?? {});
  return (
    <dl className="connack" data-testid="connack">
      <div>
        <dt>session present</dt>
        <dd data-testid="connack-session-present">{connack.sessionPresent ? 'yes' : 'no'}</dd>
      </div>
      <div>
        <dt>reason</dt>
        <dd>{describeReason(connack.reasonCode, 'connack')}</dd>
      </div>
      {properties.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{show(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
