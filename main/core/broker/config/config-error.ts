/** A problem in a configuration file (or a command-line flag), naming where and which key. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly key: string | undefined,
    readonly problem: string,
  ) {
    super(`${line !== undefined ? `${file}:${line}` : file}: ${key !== undefined ? `${key}: ` : ''}${problem}`);
  }
}
