// @vitest-environment happy-dom
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { act, cleanup, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type WorkbenchCore, createWorkbenchCore } from '../../main/core/create-core';
import { type Result, createWorkbenchApi } from '../../shared/contract';
import type { CodecSettings } from '../../shared/contract/codec-rules';
import { CodecRulesDialog } from '../../renderer/features/codecs';
import { setApi } from '../../renderer/stores/api';
import { useCodecsStore } from '../../renderer/stores/codecs-store';

// The rules dialog against a real core (its dispatcher as the transport): schemas are compiled by
// codecs.checkSchema, and codecs.setGlobal keeps or refuses what is saved.
const dirs: string[] = [];
let core: WorkbenchCore;

beforeEach(() => {
  const dataDir = mkdtempSync(join(tmpdir(), 'wb-codec-dialog-'));
  dirs.push(dataDir);
  core = createWorkbenchCore({ version: 'test', shell: 'browser', secretsProtection: 'test', dataDir });
  setApi(createWorkbenchApi({ invoke: (channel, input) => core.dispatcher.handle(channel, input), on: () => () => undefined }));
});

afterEach(async () => {
  cleanup();
  act(() => useCodecsStore.setState(useCodecsStore.getInitialState(), true));
  await core.close();
});

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const COMMON = 'syntax = "proto3";\npackage common;\nmessage Reading { double value = 1; string unit = 2; }\n';
const TELEMETRY = 'syntax = "proto3";\npackage factory;\nimport "common.proto";\nmessage Telemetry {\n  double temperature = 1;\n  common.Reading pressure = 2;\n}\n';

async function openDialog() {
  const user = userEvent.setup();
  act(() => useCodecsStore.getState().openDialog({ scope: { kind: 'global' } }));
  render(<CodecRulesDialog />);
  await screen.findByTestId('codec-editor');
  return user;
}

describe('Codec rules dialog (real core)', () => {
  it('compiles two .proto files with an import, offers their message types, and saves a rule for all connections', async () => {
    const user = await openDialog();
    await user.upload(screen.getByTestId('codec-schema-files'), [new File([TELEMETRY], 'telemetry.proto'), new File([COMMON], 'common.proto')]);
    const schema = await screen.findByTestId('codec-schema');
    await waitFor(() => expect(within(schema).getByTestId('codec-schema-state').dataset.state).toBe('ok'));

    await user.click(screen.getByTestId('codec-rule-add'));
    const form = screen.getByTestId('codec-rule-form');
    await user.type(within(form).getByTestId('codec-rule-filter'), 'factory/+/telemetry');
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'protobuf');
    const types = within(form).getByTestId('codec-rule-message-type');
    const offered = [...types.querySelectorAll('option')].map((o) => o.value).filter(Boolean);
    expect(offered).toEqual(expect.arrayContaining([expect.stringMatching(/factory\.Telemetry$/), expect.stringMatching(/common\.Reading$/)]));
    await user.selectOptions(types, offered.find((t) => t.endsWith('factory.Telemetry'))!);
    await user.click(screen.getByTestId('codec-dialog-save'));

    await waitFor(() => expect(screen.queryByTestId('codec-dialog')).toBeNull());
    const saved = (await core.dispatcher.handle('codecs.getGlobal', {})) as Result<CodecSettings>;
    expect(saved.ok && saved.value.rules).toEqual([
      expect.objectContaining({ filter: 'factory/+/telemetry', enabled: true, format: { kind: 'protobuf', schemaId: 'telemetry', messageType: expect.stringMatching(/factory\.Telemetry$/) } }),
    ]);
    expect(saved.ok && saved.value.schemas[0]!.files.map((f) => f.name)).toEqual(['telemetry.proto', 'common.proto']);
  });

  it("shows where a .proto file is wrong (file:line:column), and the host's refusal to save a rule on it", async () => {
    const user = await openDialog();
    await user.upload(screen.getByTestId('codec-schema-files'), [new File(['syntax = "proto3";\nmessage Broken {\n  double temperature = ;\n}\n'], 'broken.proto')]);
    const problem = await screen.findByTestId('codec-schema-problem');
    expect(problem.textContent).toMatch(/^broken\.proto:3:\d+: /);

    await user.click(screen.getByTestId('codec-rule-add'));
    const form = screen.getByTestId('codec-rule-form');
    await user.type(within(form).getByTestId('codec-rule-filter'), 'broken/#');
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'protobuf');
    // No type to pick from a schema that does not compile: the dialog says what is missing first.
    await user.click(screen.getByTestId('codec-dialog-save'));
    expect(screen.getByTestId('codec-dialog-problems').textContent).toBe('broken/#: Pick the message type');

    // A JSON rule checked by the broken schema's neighbour is refused by the host, which says why.
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'json');
    await user.click(screen.getByTestId('codec-schema-kind'));
    await user.selectOptions(screen.getByTestId('codec-schema-kind'), 'json-schema');
    await user.click(screen.getByTestId('codec-schema-paste'));
    await user.type(screen.getByTestId('codec-paste-name'), 'bad.schema.json');
    await user.click(screen.getByTestId('codec-paste-text'));
    await user.paste('{"type": "object", "properties": {"x": {"type": "nope"}}}');
    await user.click(screen.getByTestId('codec-paste-add'));
    await user.selectOptions(within(form).getByTestId('codec-rule-json-schema'), 'bad.schema.json');
    await user.click(screen.getByTestId('codec-dialog-save'));
    const refusal = await screen.findByTestId('codec-save-error');
    expect(refusal.textContent).toContain('CODEC_SCHEMA_INVALID');
    expect(screen.getByTestId('codec-dialog')).toBeTruthy();
  });

  it('takes a .js decode script as a schema, binds it to a topic as the Script format, and the host decodes with it', async () => {
    const user = await openDialog();
    const script = 'function decode(payload) {\n  const view = new DataView(payload.buffer);\n  return { celsius: view.getInt16(0) / 10 };\n}\n';
    await user.upload(screen.getByTestId('codec-schema-files'), [new File([script], 'frame.js')]);
    const schema = await screen.findByTestId('codec-schema');
    await waitFor(() => expect(within(schema).getByTestId('codec-schema-state').dataset.state).toBe('ok'));

    await user.click(screen.getByTestId('codec-rule-add'));
    const form = screen.getByTestId('codec-rule-form');
    await user.type(within(form).getByTestId('codec-rule-filter'), 'devices/+/raw');
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'script');
    const picker = within(form).getByTestId<HTMLSelectElement>('codec-rule-schema');
    const offered = [...picker.querySelectorAll('option')].filter((o) => o.value).map((o) => o.textContent);
    expect(offered).toEqual(['frame.js']);
    await user.selectOptions(picker, [...picker.querySelectorAll('option')].find((o) => o.value)!.value);
    await user.click(screen.getByTestId('codec-dialog-save'));
    await waitFor(() => expect(screen.queryByTestId('codec-dialog')).toBeNull());

    const decoded = (await core.dispatcher.handle('codecs.decode', { topic: 'devices/7/raw', payload: Uint8Array.from([0x00, 0xd7]) })) as Result<{ decoded: { text: string; format: string } | null }>;
    expect(decoded.ok && decoded.value.decoded).toMatchObject({ format: 'script', text: expect.stringContaining('"celsius": 21.5') });
  });
});
