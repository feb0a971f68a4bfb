import type { CodecProblem } from '../contract/codec-rules';

/**
 * What every codec throws for a schema that does not compile or a payload that does not decode:
 * a clear message and, when known, where (file/line/column in a schema, byte offset in a payload).
 * The codec rules turn it into a `CodecProblem` the UI shows.
 */
export class CodecError extends Error {
  constructor(
    message: string,
    readonly where: Omit<CodecProblem, 'message'> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CodecError';
  }

  toProblem(): CodecProblem {
    return { message: this.message, ...this.where };
  }
}

/** Any thrown value as a problem: a CodecError keeps its position, anything else its message. */
export function problemOf(error: unknown): CodecProblem {
  if (error instanceof CodecError) return error.toProblem();
  return { message: error instanceof Error ? error.message : String(error) };
}
