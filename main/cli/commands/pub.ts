/** `mqtt-workbench pub`: publish a message from an argument, a file, stdin, or stdin line by line. */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { WorkbenchFailure } from '../../../shared/contract/errors';
import { PAYLOAD_FORMATS, type PayloadFormat, encodePayload } from '../../../shared/codecs/payload-format';
import { encodeUtf8 } from '../../../shared/codecs/utf8';
import { CliFailure, EXIT, EXIT_CODES_HELP, addConnectionFlags, collect, integerFlag, parseUserProperties, type ConnectionFlags } from '../cli-flags';

interface PubFlags extends ConnectionFlags {
  topic: string;
  message?: string;
  file?: string;
  stdinFile?: boolean;
  stdinLine?: boolean;
  nullMessage?: boolean;
  qos: string;
  retain?: boolean;
  format: PayloadFormat;
  contentType?: string;
  responseTopic?: string;
  correlationData?: string;
  userProperty?: string[];
  messageExpiry?: string;
  payloadFormatIndicator?: boolean;
  repeat: string;
  interval: string;
}

function encode(text: string, format: PayloadFormat): Uint8Array {
  const result = encodePayload(text, format);
  if (result.ok) return result.bytes;
  const where = result.problem.line !== undefined ? ` (line ${result.problem.line}, column ${result.problem.column})` : '';
  throw new CliFailure(`The message is not valid ${format}: ${result.problem.message}${where}`, EXIT.usage);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function createPubCommand(): Command {
  const command = new Command('pub').description('Publish a message (or one per line of stdin) with the app\'s engine, profiles and formats');
  addConnectionFlags(command)
    .requiredOption('-t, --topic <topic>', 'topic to publish to')
    .option('-m, --message <text>', 'the payload, read in --format')
    .option('-f, --file <path>', 'send a file\'s bytes (read in --format unless text)')
    .option('-s, --stdin-file', 'send all of stdin as one message')
    .option('-l, --stdin-line', 'send each line of stdin as a message')
    .option('-n, --null-message', 'send an empty payload (clears a retained message with -r)')
    .addOption(new Option('-q, --qos <qos>', 'QoS').choices(['0', '1', '2']).default('0'))
    .option('-r, --retain', 'retain the message')
    .addOption(new Option('--format <format>', 'how the message text is read').choices([...PAYLOAD_FORMATS]).default('text'))
    .option('--content-type <type>', 'MQTT 5 Content Type')
    .option('--response-topic <topic>', 'MQTT 5 Response Topic')
    .option('--correlation-data <text>', 'MQTT 5 Correlation Data (UTF-8)')
    .option('--user-property <key=value>', 'MQTT 5 User Property (repeat for more)', collect)
    .option('--message-expiry <seconds>', 'MQTT 5 Message Expiry Interval')
    .option('--payload-format-indicator', 'MQTT 5 Payload Format Indicator: the payload is UTF-8')
    .option('--repeat <count>', 'send each message this many times', '1')
    .option('--interval <ms>', 'milliseconds between repeats (and between -l lines)', '0')
    .addHelpText(
      'after',
      `
Examples:
  mqtt-workbench pub -t sensors/1 -m '{"t":21.5}' --format json -q 1
  mqtt-workbench pub --profile "Plant broker" -t cmd/reboot -m now --user-property source=ci
  mqtt-workbench pub -t blob -f firmware.bin -q 1
  tail -f app.log | mqtt-workbench pub -t logs -l
  mqtt-workbench pub -t tick -m ping --repeat 10 --interval 1000
  mqtt-workbench pub -h broker.example -p 8883 --cafile ca.pem -u me -P secret -t a/b -m hi
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: PubFlags) => {
      const sources = [flags.message !== undefined, flags.file !== undefined, flags.stdinFile, flags.stdinLine, flags.nullMessage].filter(Boolean).length;
      if (sources !== 1) throw new CliFailure('Give exactly one of -m, -f, -s, -l or -n', EXIT.usage);
      const qos = Number(flags.qos) as 0 | 1 | 2;
      const repeat = integerFlag(flags.repeat, '--repeat', 1, 100_000_000)!;
      const interval = integerFlag(flags.interval, '--interval', 0, 86_400_000)!;
      const expiry = integerFlag(flags.messageExpiry, '--message-expiry', 0, 0xffffffff);
      const userProperties = parseUserProperties(flags.userProperty);
      const properties = {
        ...(flags.contentType !== undefined ? { contentType: flags.contentType } : {}),
        ...(flags.responseTopic !== undefined ? { responseTopic: flags.responseTopic } : {}),
        ...(flags.correlationData !== undefined ? { correlationData: encodeUtf8(flags.correlationData) } : {}),
        ...(userProperties ? { userProperties } : {}),
        ...(expiry !== undefined ? { messageExpiryInterval: expiry } : {}),
        ...(flags.payloadFormatIndicator ? { payloadFormatIndicator: true } : {}),
      };
      // Loaded when the command runs, not for --help or another command; the profile store only
      // with --profile, the codec rules never: pub encodes with --format alone (issue 19).
      const { openSession, resolveConnectionOptions } = await import('../cli-connection-options');
      const { options } = await resolveConnectionOptions(flags);
      // A payload read whole is encoded before connecting: a typo is a usage error, not a half-done publish.
      let whole: Uint8Array | undefined;
      if (flags.message !== undefined) whole = encode(flags.message, flags.format);
      else if (flags.nullMessage) whole = new Uint8Array(0);
      else if (flags.file !== undefined) {
        let bytes: Buffer;
        try {
          bytes = readFileSync(flags.file);
        } catch (error) {
          throw new CliFailure(`-f ${flags.file}: ${(error as Error).message}`, EXIT.usage);
        }
        whole = flags.format === 'text' ? bytes : encode(bytes.toString('utf8'), flags.format);
      } else if (flags.stdinFile) {
        const bytes = await readStdin();
        whole = flags.format === 'text' ? bytes : encode(bytes.toString('utf8'), flags.format);
      }

      const session = await openSession(options);
      let sent = 0;
      const send = async (payload: Uint8Array) => {
        for (let i = 0; i < repeat; i++) {
          if (sent > 0 && interval > 0) await new Promise((resolve) => setTimeout(resolve, interval));
          try {
            await Promise.race([
              session.manager.publish({
                connectionId: session.connectionId,
                topic: flags.topic,
                payload,
                qos,
                retain: Boolean(flags.retain),
                ...(Object.keys(properties).length > 0 ? { properties } : {}),
              }),
              session.lost.then((reason) => Promise.reject(new CliFailure(`The connection closed: ${reason}`, EXIT.failed))),
            ]);
          } catch (error) {
            if (error instanceof CliFailure) throw error;
            const message = error instanceof WorkbenchFailure ? `${error.message} [${error.code}]` : String(error);
            throw new CliFailure(`Publish failed: ${message}`, EXIT.failed);
          }
          sent++;
        }
      };
      try {
        if (whole) await send(whole);
        else {
          const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
          for await (const line of lines) {
            if (line === '') continue; // as mosquitto_pub -l: an empty line is not a message
            await send(encode(line, flags.format));
          }
        }
      } finally {
        await session.close();
      }
    });
  return command;
}
