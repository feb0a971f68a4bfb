/** English strings of the 'connectionTabs' namespace: the source every other language is checked against. */
export default {
  status: {
    connecting: 'connecting',
    connected: 'connected',
    reconnecting: 'reconnecting',
    disconnected: 'disconnected',
    lastKnown: 'Last known: {{status}}',
    unreachable: 'Host unreachable',
    checking: 'Checking…',
    unknown: 'unknown (host unreachable; last known {{status}})',
  },
  tabs: {
    label: 'Open connections',
    close: 'Disconnect and close',
    closeNamed: 'Disconnect and close {{name}}',
    newTitle: 'New connection (Ctrl/Cmd+K)',
    new: '+ New connection',
  },
  info: {
    none: 'No connection open. Pick a profile on the left or start a new connection.',
    attempt: 'attempt {{n}}',
    nextIn: ' · next in {{seconds}} s',
    noClientId: '(no client id yet)',
    auto: ' (auto)',
    disconnect: 'Disconnect',
    connectAgain: 'Connect again',
  },
  connack: {
    sessionPresent: 'session present',
    reason: 'reason',
    yes: 'yes',
    no: 'no',
  },
  notes: {
    savedVersion: 'Saved MQTT {{version}} in “{{profile}}”.',
    saveVersion: 'Save MQTT {{version}} in the profile',
    hiddenDollar_one: '{{n}} message on <code>$</code> topics hidden: the broker delivered it for a filter that begins with a wildcard, which must not match <code>$</code> topics [MQTT-4.7.2-1]. Subscribe to them by name (e.g. <code>$SYS/#</code>), or turn on “Keep $ topics for wildcard filters” in the connection’s Advanced settings.',
    hiddenDollar_other: '{{n}} messages on <code>$</code> topics hidden: the broker delivered them for a filter that begins with a wildcard, which must not match <code>$</code> topics [MQTT-4.7.2-1]. Subscribe to them by name (e.g. <code>$SYS/#</code>), or turn on “Keep $ topics for wildcard filters” in the connection’s Advanced settings.',
    problems_one: '⚠ {{n}} problem on this connection',
    problems_other: '⚠ {{n}} problems on this connection',
    older: '…and {{n}} older',
  },
} as const;
