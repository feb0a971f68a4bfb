/** English strings of the 'payload' namespace: what the payload views say about a payload (cuts, decode problems, typed views). */
export default {
  firstOf: '… (first {{shown}} of {{total}})',
  tooLargeAs: 'Too large to decode as {{format}} here ({{size}}); export it or view it as hex',
  tooLarge: 'Too large to decode ({{size}})',
  rawBytes: '{{problem}}. Its raw bytes:',
  notUtf8: 'The payload is not valid UTF-8 text. Its raw bytes:',
  notJsonUtf8: 'Not JSON: the payload is not valid UTF-8 text. Its raw bytes:',
  notJson: 'Not JSON: {{problem}}. Its raw bytes:',
  showingChars: 'Showing the first {{shown}} of {{total}} characters',
  showingBytes: 'Showing the first {{shown}} of {{total}}',
  tooLargeJson: 'Too large to format as JSON ({{size}}); showing the start as text',
  typed: {
    array: '{{type}} array',
    little: '{{type}} array, little endian',
    big: '{{type}} array, big endian',
    showingValues: 'Showing the first {{shown}} of {{total}} values',
    leftover_one: '{{count, number}} trailing byte does not make a whole {{type}}',
    leftover_other: '{{count, number}} trailing bytes do not make a whole {{type}}',
  },
  sparkplug: {
    noMetrics: '(no metrics)',
    alias: 'alias {{alias}}',
  },
} as const;
