/** `mqtt-workbench sub`: subscribe and print each message as text, JSON or NDJSON, to stdout or a file. */
import { createWriteStream } from 'node:fs';
import { Command, Option } from 'commander';
import type { MqttMessage } from '../../../shared/contract';
import { byteEnvelope, toByteJson } from '../../../shared/codecs/byte-envelope';
import { decodeUtf8Strict } from '../../../shared/codecs/utf8';
import type { CodecEngine } from '../../core/codecs/compile-rules';
import { CliFailure, EXIT, EXIT_CODES_HELP, addConnectionFlags, collect, integerFlag, type ConnectionFlags } from '../cli-flags';

interface SubFlags extends ConnectionFlags {
  topic?: string[];
  qos: string;
  output: 'text' | 'json' | 'ndjson';
  verbose?: boolean;
  count?: string;
  timeout?: string;
  file?: string;
}

/** One message as a JSON object: the payload as text when it is UTF-8, else `{"$bytes": base64}`. */
export function messageJson(message: MqttMessage, codecs: CodecEngine): Record<string, unknown> {
  const text = decodeUtf8Strict(message.payload);
  const record: Record<string, unknown> = {
    topic: message.topic,
    payload: text ?? byteEnvelope(message.payload),
    qos: message.qos,
    retain: message.retain,
  };
  if (message.properties) record.properties = toByteJson(message.properties);
  const decoded = decodeWithRules(message, codecs);
  if (decoded) record.decoded = decoded;
  return record;
}

function decodeWithRules(message: MqttMessage, codecs: CodecEngine): Record<string, unknown> | undefined {
  if (codecs.idle) return undefined;
  const rule = codecs.match(message.topic, message.properties?.contentType);
  if (!rule) return undefined;
  const decoded = codecs.decode(rule, message.payload, { contentType: message.properties?.contentType });
  const result: Record<string, unknown> = { rule: decoded.ruleName, format: decoded.format };
  if (decoded.problem) result.problem = decoded.problem.message;
  else result.value = decoded.json ? (JSON.parse(decoded.text) as unknown) : decoded.text;
  return result;
}

export function createSubCommand(): Command {
  const command = new Command('sub').description('Subscribe and print each message (one per line)');
  addConnectionFlags(command)
    .option('-t, --topic <filter>', 'topic filter (repeat for more); default: the --profile\'s saved subscriptions that are switched on', collect)
    .addOption(new Option('-q, --qos <qos>', 'QoS of the subscriptions').choices(['0', '1', '2']).default('0'))
    .addOption(new Option('--output <format>', 'text: the payload (decoded by a codec rule when one applies); json/ndjson: one JSON object per line').choices(['text', 'json', 'ndjson']).default('text'))
    .option('-v, --verbose', 'text output: print the topic before the payload')
    .option('-C, --count <n>', 'exit after this many messages')
    .option('-W, --timeout <seconds>', 'exit after this many seconds (exit 1 when -C was not reached, or nothing arrived)')
    .option('--file <path>', 'write the messages to this file instead of stdout')
    .addHelpText(
      'after',
      `
JSON output: {"topic", "payload" (text when UTF-8, else {"$bytes": base64}), "qos", "retain",
"properties" (MQTT 5), "decoded" (when a codec rule of the profile or a global one applies)}.

Examples:
  mqtt-workbench sub -t 'sensors/#' -v
  mqtt-workbench sub --profile "Plant broker" -t 'plant/+/telemetry' --output ndjson > telemetry.ndjson
  mqtt-workbench sub -t cmd/ack -C 1 -W 10      # wait for one ack for at most 10 s
  mqtt-workbench sub -t '#' --output ndjson --file capture.ndjson
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: SubFlags) => {
      const qos = Number(flags.qos) as 0 | 1 | 2;
      const count = integerFlag(flags.count, '--count', 1, Number.MAX_SAFE_INTEGER);
      const timeout = integerFlag(flags.timeout, '--timeout', 1, 86_400 * 365);
      // Loaded when the command runs, not for --help or another command (issue 19).
      const { openSession, resolveConnection } = await import('../cli-connection');
      const { options, codecs, subscriptions } = resolveConnection(flags);
      // -t at the -q given; else the profile's own, each with its saved options.
      const wanted = flags.topic
        ? flags.topic.map((filter) => ({ filter, qos, noLocal: false, retainAsPublished: false, retainHandling: 0 as const }))
        : subscriptions.filter((s) => s.enabled).map(({ enabled: _on, ...subscription }) => subscription);
      if (wanted.length === 0) throw new CliFailure(flags.profile ? `Give -t: the profile "${flags.profile}" has no subscription switched on` : 'Give -t (or --profile with saved subscriptions)', EXIT.usage);
      const out = flags.file ? createWriteStream(flags.file) : process.stdout;
      let received = 0;
      let finish: (code: number) => void = () => {};
      const finished = new Promise<number>((resolve) => (finish = resolve));

      const write = (message: MqttMessage) => {
        if (count !== undefined && received >= count) return;
        received++;
        if (flags.output === 'text') {
          const decoded = decodeWithRules(message, codecs);
          const payload = decoded && !decoded.problem ? Buffer.from(typeof decoded.value === 'string' ? decoded.value : JSON.stringify(decoded.value)) : Buffer.from(message.payload);
          out.write(flags.verbose ? Buffer.concat([Buffer.from(`${message.topic} `), payload, Buffer.from('\n')]) : Buffer.concat([payload, Buffer.from('\n')]));
        } else out.write(`${JSON.stringify(messageJson(message, codecs))}\n`);
        if (count !== undefined && received >= count) finish(EXIT.ok);
      };

      const session = await openSession(options, write);
      const timer = timeout !== undefined ? setTimeout(() => finish(received > 0 && count === undefined ? EXIT.ok : EXIT.failed), timeout * 1000) : undefined;
      const stop = () => finish(EXIT.ok);
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        for (const subscription of wanted) {
          try {
            await session.manager.subscribe({ connectionId: session.connectionId, ...subscription });
          } catch (error) {
            throw new CliFailure((error as Error).message, EXIT.failed);
          }
        }
        // Readiness on stderr, so a script (or a test) knows the SUBSCRIBE was acknowledged; stdout stays the messages'.
        process.stderr.write(`Subscribed to ${wanted.map((s) => s.filter).join(', ')}\n`);
        const code = await Promise.race([finished, session.lost.then((reason) => Promise.reject(new CliFailure(`The connection closed: ${reason}`, EXIT.failed)))]);
        if (code !== EXIT.ok) {
          const wanted = count !== undefined ? `${count} message(s)` : 'a message';
          throw new CliFailure(`Timed out after ${timeout} s with ${received} of ${wanted}`, code);
        }
      } finally {
        clearTimeout(timer);
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        await session.close();
        if (out !== process.stdout) await new Promise((resolve) => (out as ReturnType<typeof createWriteStream>).end(resolve));
      }
    });
  return command;
}
