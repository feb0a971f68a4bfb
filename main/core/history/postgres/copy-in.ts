import type { Connection, PoolClient, Submittable } from 'pg';

/** The parts of pg's Connection a COPY FROM uses (there, untyped by @types/pg). */
interface CopyConnection {
  query(text: string): void;
  sendCopyFromChunk(chunk: Buffer): void;
  endCopyFrom(): void;
}

/** One COPY ... FROM STDIN round: the statement, then the data in CopyData messages of this size. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * `COPY ... FROM STDIN` over a pg client without pg-copy-streams: a Submittable that answers the
 * server's CopyInResponse with the prepared bytes and settles on ReadyForQuery. The data is one
 * buffer built beforehand (a flush of the write queue), so no stream or back-pressure is needed.
 */
class CopyIn implements Submittable {
  private settled = false;
  private rowCount = 0;

  constructor(
    private readonly text: string,
    private readonly data: Buffer,
    private readonly settle: (error: Error | undefined, rowCount: number) => void,
  ) {}

  submit(connection: Connection): void {
    (connection as unknown as CopyConnection).query(this.text);
  }

  handleCopyInResponse(raw: Connection): void {
    const connection = raw as unknown as CopyConnection;
    for (let offset = 0; offset < this.data.length; offset += CHUNK_BYTES) {
      connection.sendCopyFromChunk(this.data.subarray(offset, Math.min(offset + CHUNK_BYTES, this.data.length)));
    }
    connection.endCopyFrom();
  }

  handleCommandComplete(message: { text?: string }): void {
    const match = /^COPY (\d+)/.exec(message.text ?? '');
    if (match) this.rowCount = Number(match[1]);
  }

  /**
   * Settles at once, as pg's own Query does: pg hands an ErrorResponse to the active query and then
   * forgets it (the ReadyForQuery that follows never reaches us), and a connection that ends mid-COPY
   * sends nothing more at all. Waiting for ReadyForQuery here would hang the write forever.
   */
  handleError(error: Error): void {
    this.finish(error);
  }

  handleReadyForQuery(): void {
    this.finish(undefined);
  }

  private finish(error: Error | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(error, this.rowCount);
  }

  // Messages a COPY FROM does not produce, answered so an unexpected one cannot hang the client.
  handleEmptyQuery(): void {}
  handleRowDescription(): void {}
  handleDataRow(): void {}
  handleCopyData(): void {}
}

/** Runs `COPY <table> (...) FROM STDIN` with `data` (in the format the statement names); resolves with the rows copied. */
export function copyIn(client: PoolClient, text: string, data: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    client.query(new CopyIn(text, data, (error, rowCount) => (error ? reject(error) : resolve(rowCount))));
  });
}
