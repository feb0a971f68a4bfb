/**
 * What the top-level help says of the commands whose own modules are too heavy to load for it
 * (their flags' help reads built-in scenarios or store options). The commands take their
 * descriptions from here too, so the two cannot drift.
 */
export const COMMAND_SUMMARIES = {
  simulate: { term: 'simulate [options] <scenario>', description: 'Run a scenario of virtual devices: a built-in name or a YAML/JSON file' },
  record: { term: 'record [options]', description: 'Record brokers into history (a team PostgreSQL database or a SQLite file) until stopped' },
  export: { term: 'export [options]', description: 'Export a history search to a file (NDJSON, JSON or CSV)' },
  replay: { term: 'replay [options]', description: 'Publish a history search again to a broker, oldest first' },
} as const;
