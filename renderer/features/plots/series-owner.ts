import { translate } from '../../ui/i18n';

/**
 * Whose series it is, for the legend: the plots are shared by every connection tab, so once series
 * come from more than one connection each names its connection (and one whose connection is gone
 * says so). With a single connection the legend stays as it was.
 */
export function seriesOwners(
  series: readonly { connectionId: string }[],
  connections: Readonly<Record<string, { name: string; status: string } | undefined>>,
): (string | null)[] {
  const distinct = new Set(series.map((s) => s.connectionId));
  return series.map(({ connectionId }) => {
    const connection = connections[connectionId];
    if (!connection) return translate('plots:owner.closed');
    if (distinct.size < 2 && connection.status !== 'disconnected') return null;
    return connection.status === 'disconnected' ? translate('plots:owner.disconnected', { name: connection.name }) : connection.name;
  });
}
