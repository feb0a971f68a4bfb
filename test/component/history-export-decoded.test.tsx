// @vitest-environment happy-dom
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { createWorkbenchApi } from '../../shared/contract';
import { HistoryExport } from '../../renderer/features/history/history-export';
import { setApi } from '../../renderer/stores/api';
import { useHistoryStore } from '../../renderer/stores/history-store';

// History's export panel against a real core (its dispatcher as the transport): the "Decoded
// column" choice reaches history.export, whose file then has the decoded columns (issue 16).
// (Even with nothing in History, the CSV header says which columns the file has.)
let core: WorkbenchCore;
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'wb-export-decoded-'));
  core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test', dataDir });
  setApi(createWorkbenchApi({ invoke: (channel, input) => core.dispatcher.handle(channel, input), on: () => () => undefined }));
});

afterEach(async () => {
  cleanup();
  act(() => useHistoryStore.setState(useHistoryStore.getInitialState(), true));
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The file the export being written goes to (the host's path; the page gets it with its id). */
async function exportedHeader(): Promise<string> {
  let header = '';
  await waitFor(() => {
    const path = useHistoryStore.getState().exporting?.path;
    expect(path).toBeTruthy();
    header = readFileSync(path!, 'utf8').split(/\r?\n/)[0]!;
    expect(header).toMatch(/^id,/);
  }, { timeout: 10_000 }); // the history worker starts with the core: its first export takes a moment
  return header;
}

describe('History export: the decoded column', () => {
  it('leaves the decoded columns out of a CSV export by default', async () => {
    const user = userEvent.setup();
    render(<HistoryExport />);
    await user.click(screen.getByTestId('history-export-format-csv'));
    expect(screen.getByTestId<HTMLInputElement>('history-export-decoded').checked).toBe(false);
    await user.click(screen.getByTestId('history-export-start'));
    expect(await exportedHeader()).not.toContain('decoded');
  });

  it('adds the rule, format, decoded text and problem columns when "Decoded column" is ticked', async () => {
    const user = userEvent.setup();
    render(<HistoryExport />);
    await user.click(screen.getByTestId('history-export-format-csv'));
    await user.click(screen.getByTestId('history-export-decoded'));
    await user.click(screen.getByTestId('history-export-start'));
    expect(await exportedHeader()).toMatch(/,decoded_rule,decoded_format,decoded,decoded_problem$/);
  });
});
