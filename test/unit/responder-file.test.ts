import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAutomationFile, saveAutomationFile } from '../../main/core/automation/responders/responders-file';

/** automation.json (issue 17): private, replaced whole, and a damaged one set aside rather than lost. */
let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const RESPONDER = { id: 'r1', name: 'Ack', connectionKey: 'profile:p1', filter: 'cmd/#', enabled: true, script: 'function respond() {}' };

describe('automation.json', () => {
  it('saves with mode 0600 through a temporary file and reads back the same responders', () => {
    dir = mkdtempSync(join(tmpdir(), 'automation-file-'));
    const path = join(dir, 'automation.json');
    expect(loadAutomationFile(path)).toEqual({ responders: [] });
    saveAutomationFile(path, { responders: [RESPONDER] });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(existsSync(`${path}.tmp`)).toBe(false);
    expect(loadAutomationFile(path)).toEqual({ responders: [RESPONDER] });
  });

  it('sets a damaged file aside as automation.json.damaged, keeping the user\'s scripts, and runs none', () => {
    dir = mkdtempSync(join(tmpdir(), 'automation-file-'));
    const path = join(dir, 'automation.json');
    const damaged = JSON.stringify({ responders: [{ ...RESPONDER, filter: 'a/#/b' }] });
    writeFileSync(path, damaged);
    expect(loadAutomationFile(path)).toEqual({ responders: [] });
    expect(existsSync(path)).toBe(false);
    expect(readFileSync(`${path}.damaged`, 'utf8')).toBe(damaged);
  });
});
