/**
 * The light half of what the `mqtt-workbench` commands share: exit codes, the connection flags and
 * small flag parsers. Commands define their flags with these at start-up; what connects (profiles,
 * secrets, codecs, the engine: cli-connection.ts) is imported by a command's action when it runs,
 * so `--help` and other commands never load it (issue 19).
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { UserProperties } from '../../shared/contract';
import { defaultDataDir } from './data-dir';

/** Exit codes, the same for every command (and in README, "Other commands"). */
export const EXIT = { ok: 0, failed: 1, usage: 2, noConnection: 3 } as const;
export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: a check or test failed, a publish was refused, or -W/-C ended without the messages asked for
  2  usage error (unknown flag, bad value)
  3  could not connect (refused, unreachable, timed out, bad credentials)`;

/** A failure with the exit code it ends the command with. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface ConnectionFlags {
  host?: string;
  port?: string;
  protocol?: string;
  protocolVersion?: string;
  username?: string;
  password?: string;
  clientId?: string;
  keepalive?: string;
  connectTimeout?: string;
  profile?: string;
  dataDir?: string;
  cafile?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

/** Adds the connection flags to a command. No defaults in commander: a flag given overrides the profile. */
export function addConnectionFlags(command: Command): Command {
  return command
    .option('-h, --host <host>', 'broker host (default 127.0.0.1, or the profile\'s)')
    .option('-p, --port <port>', 'broker port (default 1883, 8883 with TLS)')
    .addOption(new Option('--protocol <protocol>', 'transport (default mqtt; mqtts when a TLS flag is given)').choices(['mqtt', 'mqtts', 'ws', 'wss']))
    .addOption(new Option('-V, --protocol-version <version>', 'MQTT version (default 5)').choices(['5', '311', '31', 'auto']))
    .option('-u, --username <name>', 'user name')
    .option('-P, --password <password>', 'password')
    .option('-i, --client-id <id>', 'client id (default mqtt-workbench-<random>)')
    .option('-k, --keepalive <seconds>', 'keep alive in seconds (default 60)')
    .option('--connect-timeout <ms>', 'how long to wait for CONNACK (default 10000)')
    .option('--profile <name>', 'a saved profile of the app (its name or id), with its stored secrets')
    .option('--data-dir <path>', 'the app\'s data folder for --profile and codec rules (default: WORKBENCH_DATA_DIR or the OS data folder)')
    .option('--cafile <file>', 'trusted CA certificate (PEM)')
    .option('--cert <file>', 'client certificate (PEM)')
    .option('--key <file>', 'client private key (PEM)')
    .option('--insecure', 'do not verify the broker\'s certificate (testing only)');
}

export function integerFlag(value: string | undefined, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) throw new CliFailure(`${name} must be an integer from ${min} to ${max} (got ${value})`, EXIT.usage);
  return number;
}

export function dataDirOf(flags: { dataDir?: string }): string {
  return flags.dataDir ?? process.env.WORKBENCH_DATA_DIR ?? defaultDataDir();
}

/** Collects a repeated flag (`-t a -t b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `k=v` pairs as an ordered list (order matters [MQTT-3.3.2-18]). */
export function parseUserProperties(pairs: string[] | undefined): UserProperties | undefined {
  if (!pairs || pairs.length === 0) return undefined;
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliFailure(`--user-property expects key=value (got ${pair})`, EXIT.usage);
    return { key: pair.slice(0, at), value: pair.slice(at + 1) };
  });
}
