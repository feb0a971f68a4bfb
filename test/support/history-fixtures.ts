import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HistoryMessageInput } from '../../main/core/history/types';

/** A fresh temp folder per test; `cleanup` removes it. */
export function historyTempDir(): { dir: string; file: (name: string) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'history-test-'));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const encoder = new TextEncoder();

export function message(overrides: Partial<HistoryMessageInput> & { text?: string } = {}): HistoryMessageInput {
  const { text, ...rest } = overrides;
  return {
    connectionKey: 'c1',
    direction: 'in',
    topic: 'sensors/kitchen/temp',
    payload: encoder.encode(text ?? '21.5'),
    qos: 0,
    retain: false,
    dup: false,
    timestamp: 1_700_000_000_000,
    ...rest,
  };
}
