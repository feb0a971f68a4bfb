/** `mqtt-workbench replay`: a history search published again to a broker, at the recorded pace (scaled) or as fast as it goes. */
import { COMMAND_SUMMARIES } from '../command-summaries';
import { Command } from 'commander';
import { type ReplayProgressEvent, historyContract } from '../../../shared/contract';
import { createReplayService } from '../../core/services/replay-service';
import { CliFailure, EXIT, EXIT_CODES_HELP, addConnectionFlags, openSession, resolveConnection, type ConnectionFlags } from '../cli-connection';
import { addQueryFlags, type QueryFlags, queryOf } from './query-flags';
import { openStore, storeFlags, type StoreFlags } from './store-option';

interface ReplayFlags extends ConnectionFlags, StoreFlags, QueryFlags {
  speed: string;
  fast?: boolean;
  maxGap?: string;
  topicPrefix?: string;
  keepRetain?: boolean;
}

export function createReplayCommand(): Command {
  const command = new Command('replay').description(COMMAND_SUMMARIES.replay.description);
  addConnectionFlags(command);
  storeFlags(command, true);
  addQueryFlags(command)
    .option('--speed <factor>', 'the recorded pace times this (2 = twice as fast)', '1')
    .option('--fast', 'as fast as the broker takes them, ignoring the recorded pace')
    .option('--max-gap <ms>', 'shorten idle stretches to at most this many ms')
    .option('--topic-prefix <prefix>', "publish under this prefix (e.g. 'replay/') so live devices are not confused")
    .option('--keep-retain', 'keep the retained flag (dropped by default)')
    .addHelpText(
      'after',
      `
The connection flags (-h, -p, --profile...) name the broker to publish to; the query flags (-t,
--since, --text...) what to replay from --store.

Examples:
  PGPASSWORD=... mqtt-workbench replay --store postgres://reader@db/mqtt_history -t 'plant/#' --since 1h -h test-broker --speed 10 --topic-prefix replay/
  mqtt-workbench replay --store capture.db -p 1883 --fast
${EXIT_CODES_HELP}`,
    )
    .action(async (flags: ReplayFlags) => {
      const parsed = historyContract.requests.replay.input.safeParse({
        connectionId: 'c1',
        query: queryOf(flags),
        speed: Number(flags.speed),
        asFastAsPossible: Boolean(flags.fast),
        maxGapMs: flags.maxGap !== undefined ? Number(flags.maxGap) : null,
        topicPrefix: flags.topicPrefix ?? '',
        keepRetain: Boolean(flags.keepRetain),
      });
      if (!parsed.success) throw new CliFailure(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '), EXIT.usage);
      const { options } = resolveConnection(flags);
      const history = await openStore(flags);
      let session: Awaited<ReturnType<typeof openSession>> | undefined;
      try {
        session = await openSession(options);
        const open = session;
        let finish: (progress: ReplayProgressEvent) => void = () => {};
        const finished = new Promise<ReplayProgressEvent>((resolve) => (finish = resolve));
        const replays = createReplayService({
          readPage: (query, cursor, limit) => history.page({ query, cursor, limit, order: 'asc' }),
          count: (query) => history.count(query),
          publish: (input) => open.manager.publish(input),
          isOpen: (id) => open.manager.has(id),
          onProgress: (progress) => {
            if (progress.state === 'running') process.stderr.write(`${progress.sent} of ${progress.total} messages\n`);
            else finish(progress);
          },
        });
        const { replayId, total } = await replays.handlers['history.replay']({ ...parsed.data, connectionId: open.connectionId });
        process.stderr.write(`Replaying ${total} message(s)\n`);
        const stop = () => void Promise.resolve(replays.handlers['history.stopReplay']({ replayId })).catch(() => undefined);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        const progress = await finished;
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        process.stdout.write(`Replay ${progress.state}: ${progress.sent} of ${progress.total} message(s) published${progress.error ? ` (${progress.error})` : ''}\n`);
        if (progress.state === 'failed') process.exitCode = EXIT.failed;
      } finally {
        await session?.close();
        await history.close();
      }
    });
  return command;
}
