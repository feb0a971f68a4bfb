/** English strings of the 'firstRun' namespace: the source every other language is checked against. */
export default {
  title: 'Nothing here yet: three ways in',
  embedded: {
    title: 'Try it right here',
    text: 'Starts the built-in MQTT broker on a free port of this machine and connects to it.',
    start: 'Start the embedded broker',
    starting: 'Starting…',
    didNotStart: 'The embedded broker did not start',
    noTcp: 'The embedded broker runs without a TCP listener',
    connectionName: 'Embedded broker',
  },
  connect: {
    title: 'Connect to your broker',
    text: 'Host, port, credentials and TLS; save it as a profile to come back to it.',
    create: 'Create a connection',
  },
  import: {
    title: 'Bring your connections',
    text: 'Imports the connections of MQTTX (its export) or MQTT Explorer (its settings file).',
    mqttx: 'Import from MQTTX',
    mqttExplorer: 'Import from MQTT Explorer',
  },
} as const;
