/** `mqtt-workbench export`: a history query to a file (NDJSON, JSON, CSV), from PostgreSQL or a SQLite history file. */
import { COMMAND_SUMMARIES } from '../command-summaries';
import { Command, Option } from 'commander';
import { EXIT_CODES_HELP } from '../cli-connection';
import { addQueryFlags, type QueryFlags, queryOf } from './query-flags';
import { openStore, storeFlags, type StoreFlags } from './store-option';

interface ExportFlags extends StoreFlags, QueryFlags {
  output: string;
  format: 'ndjson' | 'json' | 'csv';
  payloadEncoding: 'utf8' | 'base64' | 'hex';
}

export function createExportCommand(): Command {
  const command = new Command('export').description(COMMAND_SUMMARIES.export.description);
  storeFlags(command, true);
  addQueryFlags(command)
    .requiredOption('-o, --output <file>', 'the file to write (written as FILE.partial, renamed when complete)')
    .addOption(new Option('--format <format>', 'file format').choices(['ndjson', 'json', 'csv']).default('ndjson'))
    .addOption(new Option('--payload-encoding <encoding>', 'payloads as utf8 (base64 when not UTF-8), base64 or hex').choices(['utf8', 'base64', 'hex']).default('utf8'))
    .addHelpText(
      'after',
      `
Examples:
  PGPASSWORD=... mqtt-workbench export --store postgres://reader@db/mqtt_history -t 'plant/#' --since 1h -o last-hour.ndjson
  mqtt-workbench export --store ~/.local/share/mqtt-workbench/history.db --text alarm --format csv -o alarms.csv
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: ExportFlags) => {
      const query = queryOf(flags);
      const history = await openStore(flags);
      try {
        let lastReport = 0;
        const handle = history.exportTo({ path: flags.output, format: flags.format, payloadEncoding: flags.payloadEncoding, query }, (progress) => {
          if (Date.now() - lastReport < 1000) return;
          lastReport = Date.now();
          process.stderr.write(`${progress.written} of ${progress.total} messages\n`);
        });
        const cancel = () => handle.cancel();
        process.once('SIGINT', cancel);
        process.once('SIGTERM', cancel);
        try {
          const result = await handle.done;
          process.stdout.write(`Exported ${result.count} message(s) to ${result.path} (${result.bytes} bytes, ${result.format})\n`);
        } finally {
          process.off('SIGINT', cancel);
          process.off('SIGTERM', cancel);
        }
      } finally {
        await history.close();
      }
    });
  return command;
}
