import { Command } from 'commander';
export function createCheckCommand(): Command {
  return new Command('check').description('Check a broker');
}
