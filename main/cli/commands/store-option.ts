/**
 * `--store`, shared by record, export and replay: a team's PostgreSQL (`postgres://user@host:port/db`,
 * the password from PGPASSWORD or --store-password-file, never on the command line) or a SQLite
 * history file (the app's own format, by path).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { type History, HistoryError, createHistory } from '../../core/history';
import { type PostgresSource, createPostgresHistory, isConnectionError } from '../../core/history/postgres';
import { CliFailure, EXIT } from '../cli-connection';

export interface StoreFlags {
  store?: string;
  storePasswordFile?: string;
  storeTls?: 'disable' | 'require' | 'verify-full';
  storeCa?: string;
  /** record only: today's rows go in without their trigram index, built once the day is over. */
  deferTextIndex?: boolean;
}

export function storeFlags(command: Command, required: boolean): Command {
  return command
    .addOption(
      required
        ? new Option('--store <store>', 'postgres://user@host:port/database, or a SQLite file path (history.db)').makeOptionMandatory()
        : new Option('--store <store>', 'postgres://user@host:port/database, or a SQLite file path (history.db)'),
    )
    .option('--store-password-file <file>', 'the PostgreSQL password, read from this file (else PGPASSWORD)')
    .addOption(new Option('--store-tls <mode>', 'TLS to PostgreSQL: disable, require (encrypted), verify-full (certificate and host checked)').choices(['disable', 'require', 'verify-full']))
    .option('--store-ca <file>', 'CA certificate (PEM) that signed the PostgreSQL server\'s certificate');
}

export function isPostgresUrl(store: string): boolean {
  return /^postgres(ql)?:\/\//i.test(store);
}

/** The PostgreSQL source of --store: the password taken out of the URL (it is logged) and read from the environment or a file. */
export function postgresSource(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): PostgresSource {
  const url = new URL(flags.store!);
  let password = url.password ? decodeURIComponent(url.password) : undefined;
  url.password = '';
  if (flags.storePasswordFile) {
    try {
      password = readFileSync(flags.storePasswordFile, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new CliFailure(`--store-password-file ${flags.storePasswordFile}: ${(error as Error).message}`, EXIT.usage);
    }
  } else if (password === undefined && env.PGPASSWORD !== undefined) password = env.PGPASSWORD;
  let ca: string | undefined;
  if (flags.storeCa) {
    try {
      ca = readFileSync(flags.storeCa, 'utf8');
    } catch (error) {
      throw new CliFailure(`--store-ca ${flags.storeCa}: ${(error as Error).message}`, EXIT.usage);
    }
  }
  const mode = flags.storeTls ?? (ca ? 'verify-full' : 'disable');
  return {
    url: url.toString(),
    ...(password !== undefined ? { password } : {}),
    ...(mode !== 'disable' || ca ? { tls: { mode, ...(ca ? { ca } : {}) } } : {}),
  };
}

/** What createPostgresHistory is given for these flags. */
export function postgresHistoryOptions(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): { source: PostgresSource; hotTextIndex?: boolean } {
  return { source: postgresSource(flags, env), ...(flags.deferTextIndex ? { hotTextIndex: false } : {}) };
}

/** The store's address as logged: no password. */
export function shownStore(flags: StoreFlags): string {
  if (!flags.store || !isPostgresUrl(flags.store)) return resolve(flags.store ?? '');
  const url = new URL(flags.store);
  url.password = '';
  return url.toString();
}

/**
 * Opens the store. With `log` (the recorder), a PostgreSQL server that cannot be reached yet is
 * waited for, with backoff (a recorder started before its database, at boot); without, it fails.
 */
export async function openStore(flags: StoreFlags, log?: (event: string, text: string) => void): Promise<History> {
  if (!flags.store) throw new CliFailure('Give --store postgres://... or a SQLite file', EXIT.usage);
  if (!isPostgresUrl(flags.store)) {
    if (flags.deferTextIndex) throw new CliFailure('--defer-text-index applies to a PostgreSQL store (--store postgres://...)', EXIT.usage);
    try {
      return await createHistory({ path: resolve(flags.store) });
    } catch (error) {
      throw new CliFailure(`Cannot open the history file ${resolve(flags.store)}: ${(error as Error).message}`, EXIT.failed);
    }
  }
  const options = postgresHistoryOptions(flags);
  let delay = 1000;
  for (;;) {
    try {
      return await createPostgresHistory(options);
    } catch (error) {
      const reachable = !(isConnectionError(error) || (error instanceof HistoryError && error.code === 'HISTORY_OPEN_FAILED' && /Cannot connect/.test(error.message)));
      if (!log || reachable) throw new CliFailure(`Cannot open the history database ${shownStore(flags)}: ${(error as Error).message}`, EXIT.failed);
      log('store-down', `history database ${shownStore(flags)} unreachable, trying again in ${Math.round(delay / 1000)} s: ${(error as Error).message}`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 30_000);
    }
  }
}
