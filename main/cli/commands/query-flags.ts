/** The history query of `export` and `replay`: flags as the History view's search fields. */
import { type Command, Option } from 'commander';
import { type HistoryQuery, historyQuery } from '../../../shared/contract';
import { CliFailure, EXIT, collect } from '../cli-connection';

export interface QueryFlags {
  topic?: string;
  connection?: string[];
  since?: string;
  until?: string;
  text?: string;
  qos?: string[];
  direction?: 'in' | 'out';
  retained?: boolean;
}

export function addQueryFlags(command: Command): Command {
  return command
    .option('-t, --topic <filter>', "an MQTT topic filter ('plant/+/temp', 'plant/#')")
    .option('--connection <label>', 'a connection by its label (repeat for more)', collect)
    .option('--since <time>', 'from this time: ISO 8601 (2026-12-07T10:00Z), ms since the epoch, or an age (30m, 12h, 7d)')
    .option('--until <time>', 'up to this time (same forms)')
    .option('--text <text>', 'payloads containing this text (case-insensitive)')
    .addOption(new Option('--qos <qos>', 'only this QoS (repeat for more)').choices(['0', '1', '2']).argParser((value: string, previous: string[] | undefined) => collect(value, previous)))
    .addOption(new Option('--direction <direction>', 'received (in) or published (out) messages').choices(['in', 'out']))
    .option('--retained', 'only retained messages');
}

const AGE_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** ISO time, ms since the epoch, or an age before `now` (30m, 12h, 7d). */
export function parseTime(value: string, flag: string, now = Date.now()): number {
  const age = /^(\d+(?:\.\d+)?)([smhd])$/.exec(value);
  if (age) return now - Number(age[1]) * AGE_UNITS[age[2]!]!;
  if (/^\d+$/.test(value)) return Number(value);
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) throw new CliFailure(`${flag} ${value}: not a time (ISO 8601, ms since the epoch, or 30m / 12h / 7d ago)`, EXIT.usage);
  return parsed;
}

export function queryOf(flags: QueryFlags): HistoryQuery {
  const parsed = historyQuery.safeParse({
    ...(flags.topic !== undefined ? { topicFilter: flags.topic } : {}),
    ...(flags.connection ? { connectionLabels: flags.connection } : {}),
    ...(flags.since !== undefined ? { since: parseTime(flags.since, '--since') } : {}),
    ...(flags.until !== undefined ? { until: parseTime(flags.until, '--until') } : {}),
    ...(flags.text !== undefined ? { text: flags.text } : {}),
    ...(flags.qos ? { qos: flags.qos.map(Number) } : {}),
    ...(flags.direction ? { direction: flags.direction } : {}),
    ...(flags.retained ? { retain: true } : {}),
  });
  if (!parsed.success) throw new CliFailure(parsed.error.issues.map((issue) => `${issue.path.join('.') || 'query'}: ${issue.message}`).join('; '), EXIT.usage);
  return parsed.data;
}
