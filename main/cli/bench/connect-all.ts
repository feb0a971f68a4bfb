/** Opens many bench connections with a bounded number of CONNECTs in flight, tallying failures by kind. */
import { type BenchSocket, type BenchTarget, ConnectFailure, openBenchSocket } from './bench-connection';

export interface ConnectTally {
  sockets: BenchSocket[];
  /** Index of each socket's client (the position asked for), beside `sockets`. */
  indexes: number[];
  failed: number;
  failures: Record<string, number>;
  /** The first failure's message, for the report. */
  firstError: string | undefined;
}

export async function connectAll(target: BenchTarget, count: number, concurrency: number, clientId: (index: number) => string, onConnected?: (socket: BenchSocket, index: number) => void, stopped?: () => boolean): Promise<ConnectTally> {
  const tally: ConnectTally = { sockets: [], indexes: [], failed: 0, failures: {}, firstError: undefined };
  let next = 0;
  const worker = async () => {
    while (next < count && !stopped?.()) {
      const index = next++;
      try {
        const socket = await openBenchSocket(target, clientId(index));
        tally.sockets.push(socket);
        tally.indexes.push(index);
        onConnected?.(socket, index);
      } catch (error) {
        const kind = error instanceof ConnectFailure ? error.kind : 'error';
        tally.failed++;
        tally.failures[kind] = (tally.failures[kind] ?? 0) + 1;
        tally.firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
  return tally;
}
