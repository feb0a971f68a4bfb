/** JSON validation with a position a user can act on (line and column of the first error). */

export interface JsonProblem {
  message: string;
  line: number;
  column: number;
}

export function jsonProblem(text: string): JsonProblem | null {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const offset = position ? Number(position[1]) : text.length;
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    const column = offset - before.lastIndexOf('\n');
    return { message: message.replace(/^JSON\.parse: /, ''), line, column };
  }
}
