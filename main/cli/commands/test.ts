/** `mqtt-workbench test FILE...`: run scripted checks; exit 1 when one fails (for CI). */
import { readFileSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import type { CheckFile, CheckResult, ConnectStep } from '../../core/checks/scripted-checks';
import { CliFailure, EXIT, EXIT_CODES_HELP, addConnectionFlags, type ConnectionFlags } from '../cli-flags';

type ScriptedChecks = typeof import('../../core/checks/scripted-checks');
type ResolveConnection = (typeof import('../cli-connection'))['resolveConnection'];

interface TestFlags extends ConnectionFlags {
  junit?: string;
  tap?: boolean;
  json?: boolean;
}

/** Reads a check file (YAML, or JSON for .json); a bad file is a usage error. */
export function loadCheckFile(path: string, { parseCheckFile, CheckFileError }: ScriptedChecks): CheckFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliFailure(`${path}: ${(error as Error).message}`, EXIT.usage);
  }
  try {
    return parseCheckFile(text, path);
  } catch (error) {
    if (error instanceof CheckFileError) throw new CliFailure(error.message, EXIT.usage);
    throw error;
  }
}

/** A connect step as connection flags, with the command line's own flags taking precedence. */
function connectStepOptions(step: ConnectStep, commandLine: ConnectionFlags, resolveConnection: ResolveConnection) {
  const fromFile: ConnectionFlags = {
    ...(step.profile !== undefined ? { profile: step.profile } : {}),
    ...(step.host !== undefined ? { host: step.host } : {}),
    ...(step.port !== undefined ? { port: String(step.port) } : {}),
    ...(step.protocol !== undefined ? { protocol: step.protocol } : {}),
    ...(step.protocolVersion !== undefined ? { protocolVersion: String(step.protocolVersion) } : {}),
    ...(step.username !== undefined ? { username: step.username } : {}),
    ...(step.password !== undefined ? { password: step.password } : {}),
    ...(step.clientId !== undefined ? { clientId: step.clientId } : {}),
    ...(step.keepalive !== undefined ? { keepalive: String(step.keepalive) } : {}),
  };
  const given = Object.fromEntries(Object.entries(commandLine).filter(([, v]) => v !== undefined)) as ConnectionFlags;
  return resolveConnection({ ...fromFile, ...given }).options;
}

export function createTestCommand(): Command {
  const command = new Command('test').description('Run scripted checks (YAML or JSON files); exit 1 when one fails').argument('<file...>', 'check files');
  addConnectionFlags(command)
    .option('--junit <path>', 'also write the results as JUnit XML')
    .option('--tap', 'print TAP 13 instead of the readable list')
    .option('--json', 'print the results as JSON instead of the readable list')
    .addHelpText(
      'after',
      `
A check file is a name and steps, each a one-key map:
  name: Thermostat answers
  steps:
    - connect: { host: 127.0.0.1, port: 1883 }      # or { profile: "Plant broker" }; protocolVersion 5|311|31, username, password, clientId
    - subscribe: { topic: 'therm/+/ack', qos: 1 }   # grantedQos: 1; reasonCode: 135 expects a refusal (Not authorized)
    - publish: { topic: therm/1/set, payload: { setpoint: 21 }, qos: 1 }   # format: text|json|hex|base64|cbor|msgpack; reasonCode: 135 expects a refused PUBACK
    - expect: { topic: therm/1/ack, json: { setpoint: 21 }, within: 2000 } # payload, contains, qos, retain, contentType, userProperties
    - expectNone: { topic: therm/1/error, within: 500 }
    - wait: 100
Connection flags given on the command line (e.g. -p) take precedence over a connect step's fields.
The first failed step fails its check (a connect step that cannot connect too: exit 1); the steps after it are skipped.

Examples:
  mqtt-workbench test checks.yaml
  mqtt-workbench test checks/*.yaml -p 1883 --junit test-results/mqtt.xml
  mqtt-workbench test smoke.json --tap
${EXIT_CODES_HELP}`,
    )
    .action(async (files: string[], flags: TestFlags) => {
      // Loaded when the command runs, not for --help or another command (issue 19).
      const [scripted, { junitReport, readableReport, tapReport }, { resolveConnection }] = await Promise.all([
        import('../../core/checks/scripted-checks'),
        import('../../core/checks/check-reports'),
        import('../cli-connection'),
      ]);
      const checks = files.map((file) => ({ file, check: loadCheckFile(file, scripted) }));
      const { junit, tap, json, ...connection } = flags;
      const results: CheckResult[] = [];
      for (const { file, check } of checks) results.push(await scripted.runChecks(file, check, (step) => connectStepOptions(step, connection, resolveConnection)));
      if (junit) writeFileSync(junit, junitReport(results));
      process.stdout.write(tap ? tapReport(results) : json ? `${JSON.stringify(results, null, 2)}\n` : readableReport(results));
      if (results.some((r) => !r.passed)) process.exitCode = EXIT.failed;
    });
  return command;
}
