import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-process';

// Issue 17: "--help for every command with examples" and "exit codes documented".
const COMMANDS = [[], ['pub'], ['sub'], ['record'], ['export'], ['replay'], ['simulate'], ['check'], ['check', 'broker'], ['test'], ['bench'], ['bench', 'pub'], ['bench', 'sub'], ['bench', 'conn'], ['broker']];

describe('mqtt-workbench --help', () => {
  it.each(COMMANDS.map((command) => [command.join(' ') || '(no command)', command] as const))('%s: examples and exit codes, exit 0', async (_name, command) => {
    const help = await runCli([...command, '--help']);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`Examples:\\n {2}(\\S+=\\S+ )?mqtt-workbench ${command[0] ?? ''}`));
    expect(help.stdout).toMatch(/Exit codes[^\n]*:\n {2}0 {2}/);
  });
});

// Issue 19: the top-level help lists these commands without loading them (their definitions load
// History or the scenarios); what it lists must be what each command says of itself.
describe('mqtt-workbench --help without loading every command', () => {
  it.each(['simulate', 'record', 'export', 'replay'])('lists %s as its own help shows it', async (name) => {
    const [top, own] = await Promise.all([runCli(['--help']), runCli([name, '--help'])]);
    const usage = /^Usage: mqtt-workbench (.+)\n\n([\s\S]+?)\n\n/.exec(own.stdout);
    expect(usage, own.stdout).not.toBeNull();
    const squash = (text: string) => text.replace(/\s+/g, ' ');
    expect(squash(top.stdout)).toContain(` ${squash(usage![1]!)} ${squash(usage![2]!)} `);
  });
});
