/**
 * `mqtt-workbench check broker`: the broker check (core/checks/broker-check.ts) from the command
 * line, as a readable report or JSON.
 */
import { Command } from 'commander';
import type { BrokerReport, CONNACK_LIMITS, Probe } from '../../core/checks/broker-check';
import { CliFailure, EXIT, EXIT_CODES_HELP, addConnectionFlags, integerFlag, type ConnectionFlags } from '../cli-flags';

interface CheckFlags extends ConnectionFlags {
  json?: boolean;
  maxPacketProbe: string;
  wait: string;
}

function printReport(report: BrokerReport, limits: typeof CONNACK_LIMITS): void {
  const lines = [`Broker ${report.broker}`, `Protocol versions: ${Object.entries(report.versions).map(([v, r]) => `MQTT ${v} ${r.supported ? 'yes' : 'no'}`).join(', ')}`];
  for (const [v, r] of Object.entries(report.versions)) if (!r.supported) lines.push(`  MQTT ${v}: ${r.error}`);
  if (report.connack) {
    lines.push('CONNACK (MQTT 5.0):');
    for (const [key, label] of limits) {
      const limit = report.connack[key]!;
      const value = limit.value === null ? 'not set' : String(limit.value);
      lines.push(`  ${label.padEnd(26)}${value}${limit.from === 'default' && limit.value !== null ? ' (not sent: the default)' : ''}`);
    }
  }
  lines.push(`Tried (MQTT ${report.probes.version}):`);
  const probe = (label: string, p: Probe | undefined) => p && lines.push(`  ${label.padEnd(26)}${p.ok ? 'yes' : 'no'}: ${p.detail}`);
  probe('QoS 2 round trip', report.probes.qos2);
  probe('Retained round trip', report.probes.retained);
  probe('Wildcard subscribe', report.probes.wildcard);
  probe('Shared subscribe', report.probes.shared);
  if (report.probes.sys) lines.push(`  ${'$SYS topics'.padEnd(26)}${report.probes.sys.present ? 'yes' : 'no'}: ${report.probes.sys.detail}`);
  probe('Client id length', report.probes.clientIdLength);
  probe('Topic length', report.probes.topicLength);
  if (report.probes.maximumPacketSize) lines.push(`  ${'Maximum packet size'.padEnd(26)}${report.probes.maximumPacketSize.detail}`);
  console.log(lines.join('\n'));
}

export function createCheckCommand(): Command {
  const check = new Command('check').description('Check a broker (more checks to come)').addHelpText(
    'after',
    `
Examples:
  mqtt-workbench check broker -h 127.0.0.1 -p 1883
  mqtt-workbench check broker --profile "Plant broker" --json > broker.json
${EXIT_CODES_HELP}`,
  );
  const broker = new Command('broker').description('Report what a broker supports and its limits: from its CONNACK and by trying');
  addConnectionFlags(broker)
    .option('--json', 'print the report as JSON')
    .option('--max-packet-probe <bytes>', 'largest PUBLISH tried when looking for the maximum packet size (0: do not look)', '1048576')
    .option('--wait <ms>', 'how long each probe waits for a message to come back', '2000')
    .addHelpText(
      'after',
      `
Tries MQTT 5.0, 3.1.1 and 3.1; reads the MQTT 5 CONNACK (maximum QoS, retain, wildcard, shared and
subscription identifiers available, topic alias maximum, maximum packet size, receive maximum,
server keep alive, session expiry, assigned client id); then tries a QoS 2 round trip, a retained
round trip, a wildcard and a shared subscription, $SYS, client ids and topics of 23 to 65,535
bytes, and finds the largest PUBLISH the broker
takes by bisection up to --max-packet-probe (one short connection per attempt). Topics used are
under mqtt-workbench-check/<random>/; the retained probe message is cleared.

Examples:
  mqtt-workbench check broker -h 127.0.0.1 -p 1883
  mqtt-workbench check broker --profile "Plant broker" --json > broker.json
  mqtt-workbench check broker -h broker.example -p 8883 --cafile ca.pem --max-packet-probe 0
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: CheckFlags) => {
      const bound = integerFlag(flags.maxPacketProbe, '--max-packet-probe', 0, 268_435_455)!;
      if (bound > 0 && bound < 1024) throw new CliFailure('--max-packet-probe must be 0 or at least 1024', EXIT.usage);
      const waitMs = integerFlag(flags.wait, '--wait', 10, 600_000)!;
      // Loaded when the command runs, not for --help or another command (issue 19).
      const [{ resolveConnection }, { CONNACK_LIMITS, checkBroker }, { CheckConnectError }] = await Promise.all([
        import('../cli-connection'),
        import('../../core/checks/broker-check'),
        import('../../core/checks/check-session'),
      ]);
      const { options } = resolveConnection(flags);
      let report: BrokerReport;
      try {
        report = await checkBroker(options, { bound, waitMs });
      } catch (error) {
        if (error instanceof CheckConnectError) throw new CliFailure(error.message, EXIT.noConnection);
        throw error;
      }
      if (flags.json) console.log(JSON.stringify(report, null, 2));
      else printReport(report, CONNACK_LIMITS);
    });
  check.addCommand(broker);
  return check;
}
