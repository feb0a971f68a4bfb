import { type ConnectionOptions, ERROR_CODES, type ErrorCode, WorkbenchFailure, connectionOptions } from '../../../shared/contract';
import { checkBroker } from '../checks/broker-check';
import { junitReport, readableReport, tapReport } from '../checks/check-reports';
import { CheckConnectError } from '../checks/check-session';
import { CheckFileError, type ConnectStep, parseCheckFile, runChecks } from '../checks/scripted-checks';
import type { ChannelsOf, Service } from './service';

/** Each check opens connections of its own: a few at a time is plenty for a person at a desk. */
const MAX_RUNNING_CHECKS = 4;

const VERSIONS: Record<string, 3 | 4 | 5> = { '5': 5, '311': 4, '31': 3 };

export interface ChecksServiceDeps {
  /** A saved profile's options with its stored secrets, by id or name (profiles-service.ts). */
  connectOptionsOf(idOrName: string): ConnectionOptions;
}

function connectFailure(error: unknown): never {
  if (error instanceof CheckConnectError) {
    const code = error.code && (ERROR_CODES as readonly string[]).includes(error.code) ? (error.code as ErrorCode) : 'CONNECTION_REFUSED';
    throw new WorkbenchFailure(code, error.message, error.params);
  }
  throw error;
}

/**
 * The broker check and scripted checks (core/checks/) for the app: the same code the command
 * line's `check broker` and `test` run, with profiles looked up in the app's store.
 */
export function createChecksService(deps: ChecksServiceDeps): Service<ChannelsOf<'checks'>> {
  let running = 0;
  async function limited<T>(run: () => Promise<T>): Promise<T> {
    if (running >= MAX_RUNNING_CHECKS) throw new WorkbenchFailure('INVALID_REQUEST', `${MAX_RUNNING_CHECKS} checks are running already: wait for one to finish`, { reason: 'tooManyChecks', limit: MAX_RUNNING_CHECKS });
    running++;
    try {
      return await run();
    } finally {
      running--;
    }
  }

  /** A connect step in the app: a profile by name (with its secrets), or host, port and options; the step's fields win. */
  function connectStepOptions(step: ConnectStep): ConnectionOptions {
    const base = step.profile !== undefined ? deps.connectOptionsOf(step.profile) : undefined;
    const version = step.protocolVersion === undefined ? undefined : VERSIONS[String(step.protocolVersion)];
    const parsed = connectionOptions.safeParse({
      ...(base ?? { protocol: 'mqtt', host: '127.0.0.1', port: 1883, protocolVersion: 5 }),
      ...(step.host !== undefined ? { host: step.host } : {}),
      ...(step.port !== undefined ? { port: step.port } : {}),
      ...(step.protocol !== undefined ? { protocol: step.protocol } : {}),
      ...(version !== undefined ? { protocolVersion: version } : {}),
      ...(step.username !== undefined ? { username: step.username } : {}),
      ...(step.password !== undefined ? { password: step.password } : {}),
      ...(step.clientId !== undefined ? { clientId: step.clientId } : {}),
      ...(step.keepalive !== undefined ? { keepaliveSeconds: step.keepalive } : {}),
    });
    if (!parsed.success) throw new Error(`connect: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`).join('; ')}`);
    return parsed.data;
  }

  return {
    handlers: {
      'checks.brokerCheck': ({ target, maxPacketProbe, waitMs }) =>
        limited(async () => {
          const options = 'profileId' in target ? deps.connectOptionsOf(target.profileId) : target.options;
          return checkBroker(options, { bound: maxPacketProbe, waitMs }).catch(connectFailure);
        }),
      'checks.runFile': ({ text, fileName }) =>
        limited(async () => {
          let check;
          try {
            check = parseCheckFile(text, fileName);
          } catch (error) {
            if (error instanceof CheckFileError) throw new WorkbenchFailure('INVALID_REQUEST', error.message, { detail: error.message });
            throw error;
          }
          const result = await runChecks(fileName, check, connectStepOptions);
          return { result, junit: junitReport([result]), tap: tapReport([result]), readable: readableReport([result]) };
        }),
    },
    close: async () => {},
  };
}
