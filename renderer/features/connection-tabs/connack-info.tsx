import type { ConnackInfo } from '../../../shared/contract';
import { describeReason } from '../../../shared/mqtt/reason-codes';
import { useTranslation } from '../../ui/i18n';

/** Readable CONNACK property values: booleans and numbers as the broker sent them, objects as JSON. */
function show(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** What the broker granted: session present, reason code and every CONNACK property. */
export function ConnackDetails({ connack }: { connack: ConnackInfo }) {
  const { t } = useTranslation('connectionTabs');
  const reason = describeReason(connack.reasonCode, 'connack');
  const properties = Object.entries(connack.properties ?? {});
  return (
    <dl className="connack" data-testid="connack">
      <div>
        <dt>{t('connack.sessionPresent')}</dt>
        <dd data-testid="connack-session-present">{connack.sessionPresent ? t('connack.yes') : t('connack.no')}</dd>
      </div>
      <div>
        <dt>{t('connack.reason')}</dt>
        <dd>{reason}</dd>
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
