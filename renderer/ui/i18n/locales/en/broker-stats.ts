/** English strings of the 'brokerStats' namespace: the broker's $SYS statistics panel. */
export default {
  selectConnection: "Select a connection to see its broker's statistics.",
  subscribed: 'Subscribed to {{filter}}',
  subscribing: 'Subscribing…',
  subscribe: 'Subscribe to {{filter}}',
  noValues: 'No $SYS values yet (brokers publish them every few seconds)',
  values_one: '{{count, number}} value',
  values_other: '{{count, number}} values',
  reports: 'Broker reports',
  flooding: 'What is flooding the broker (last minute)',
  messagesPerSecond: 'msg/s',
  bytesPerSecond: 'bytes/s',
  messageRate: '{{rate}} msg/s',
  byteRate: '{{rate}} B/s',
  sparkline: 'rate, last {{rate}}/s',
} as const;
