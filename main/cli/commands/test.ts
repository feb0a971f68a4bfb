import { Command } from 'commander';
export function createTestCommand(): Command {
  return new Command('test').description('Run scripted checks');
}
