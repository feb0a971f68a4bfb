// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import type { CodecSettings } from '../../shared/contract/codec-rules';
import { CodecSettingsEditor, withSeededRule } from '../../renderer/features/codecs';
import { filtersForTopic } from '../../renderer/payload/decoded';

afterEach(() => cleanup());

/** The editor as a dialog holds it: its value in state, the latest one readable by the test. */
function renderEditor(initial: CodecSettings, extra: { initialRuleId?: string; filterChoices?: string[] } = {}) {
  const latest = { current: initial };
  function Holder() {
    const [value, setValue] = useState(initial);
    return (
      <CodecSettingsEditor
        value={value}
        onChange={(next) => {
          latest.current = next;
          setValue(next);
        }}
        {...extra}
      />
    );
  }
  render(<Holder />);
  return latest;
}

const rows = () => screen.queryAllByTestId('codec-rule');

describe('Codec rules editor', () => {
  it('adds rules with a filter, encoding and format, and refuses an invalid filter [MQTT-4.7.1-1]', async () => {
    const user = userEvent.setup();
    const latest = renderEditor({ rules: [], schemas: [] });
    expect(screen.getByTestId('codec-rules-empty')).toBeTruthy();

    await user.click(screen.getByTestId('codec-rule-add'));
    const form = screen.getByTestId('codec-rule-form');
    await user.type(within(form).getByTestId('codec-rule-filter'), 'factory/#/x');
    expect(within(form).getByTestId('codec-rule-filter-problem').textContent).toBe("'#' must be a whole level and the last one");
    await user.clear(within(form).getByTestId('codec-rule-filter'));
    await user.type(within(form).getByTestId('codec-rule-filter'), 'gz/+/json');
    expect(within(form).queryByTestId('codec-rule-filter-problem')).toBeNull();
    await user.type(within(form).getByTestId('codec-rule-name'), 'Zipped JSON');
    await user.selectOptions(within(form).getByTestId('codec-rule-encoding'), 'gzip');
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'json');

    expect(latest.current.rules).toEqual([expect.objectContaining({ name: 'Zipped JSON', filter: 'gz/+/json', encoding: 'gzip', format: { kind: 'json' }, enabled: true })]);
    expect(screen.getByTestId('codec-rule-summary').textContent).toBe('gzip + JSON');

    // A layout shows its grammar; a typed view its type and byte order.
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'layout');
    expect(screen.getByTestId('codec-layout-help').textContent).toContain('Example: u16be temperature /10 -40');
    expect(screen.getByTestId('codec-rule-problem').textContent).toBe('Write the layout');
    await user.type(within(form).getByTestId('codec-rule-layout'), 'u16be temperature; f32le accel[[3]');
    expect(latest.current.rules[0]!.format).toEqual({ kind: 'layout', layout: 'u16be temperature; f32le accel[3]' });
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'typed');
    await user.selectOptions(within(form).getByTestId('codec-rule-typed-type'), 'int16');
    await user.selectOptions(within(form).getByTestId('codec-rule-typed-endian'), 'le');
    expect(latest.current.rules[0]!.format).toEqual({ kind: 'typed', type: 'int16', littleEndian: true });

    // Protobuf needs a schema first: the rule says so.
    await user.selectOptions(within(form).getByTestId('codec-rule-format'), 'protobuf');
    expect(screen.getByTestId('codec-rule-problem').textContent).toBe('Pick a Protobuf schema (add one below)');
  });

  it('reorders, disables and deletes rules: the first enabled match wins, so order is kept as shown', async () => {
    const user = userEvent.setup();
    const rule = (id: string, filter: string) => ({ id, name: '', enabled: true, filter, encoding: 'none' as const, format: { kind: 'json' as const } });
    const latest = renderEditor({ rules: [rule('a', 'a/#'), rule('b', 'b/#'), rule('c', 'c/#')], schemas: [] });
    expect(rows().map((r) => r.dataset.filter)).toEqual(['a/#', 'b/#', 'c/#']);

    await user.click(within(rows()[2]!).getByRole('button', { name: 'Move c/# up' }));
    expect(latest.current.rules.map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect((within(rows()[0]!).getByRole('button', { name: 'Move a/# up' }) as HTMLButtonElement).disabled).toBe(true);
    await user.click(within(rows()[0]!).getByRole('button', { name: 'Move a/# down' }));
    expect(latest.current.rules.map((r) => r.id)).toEqual(['c', 'a', 'b']);

    await user.click(within(rows()[1]!).getByRole('checkbox', { name: 'Use rule a/#' }));
    expect(latest.current.rules.find((r) => r.id === 'a')!.enabled).toBe(false);
    expect(rows()[1]!.className).toContain('disabled');

    await user.click(within(rows()[2]!).getByRole('button', { name: 'Delete rule b/#' }));
    expect(latest.current.rules.map((r) => r.id)).toEqual(['c', 'a']);
  });

  it("offers a message's topic and its wildcarded parents for a rule made from it", async () => {
    const user = userEvent.setup();
    expect(filtersForTopic('factory/line1/telemetry')).toEqual(['factory/line1/telemetry', 'factory/+/telemetry', '+/line1/telemetry', 'factory/line1/#', 'factory/#']);
    const seeded = withSeededRule({ rules: [], schemas: [] }, { filter: 'factory/line1/telemetry', choices: filtersForTopic('factory/line1/telemetry') });
    const latest = renderEditor(seeded.settings, { initialRuleId: seeded.ruleId, filterChoices: filtersForTopic('factory/line1/telemetry') });

    const form = screen.getByTestId('codec-rule-form');
    expect((within(form).getByTestId('codec-rule-filter') as HTMLInputElement).value).toBe('factory/line1/telemetry');
    await user.click(within(form).getByRole('button', { name: 'factory/+/telemetry' }));
    expect(latest.current.rules[0]!.filter).toBe('factory/+/telemetry');
    expect(within(form).getByRole('button', { name: 'factory/+/telemetry' }).getAttribute('aria-pressed')).toBe('true');
  });

  it('adds several .proto files picked together as one schema, read as text in the page, and removes it', async () => {
    const user = userEvent.setup();
    const latest = renderEditor({ rules: [], schemas: [] });
    const files = [
      new File(['syntax = "proto3";\npackage factory;\nimport "common.proto";\nmessage Telemetry { common.Reading reading = 1; }\n'], 'telemetry.proto'),
      new File(['syntax = "proto3";\npackage common;\nmessage Reading { double value = 1; }\n'], 'common.proto'),
    ];
    await user.upload(screen.getByTestId('codec-schema-files'), files);
    await act(async () => {});
    expect(latest.current.schemas).toEqual([
      {
        id: 'telemetry',
        kind: 'protobuf',
        name: 'telemetry.proto (+1)',
        files: [
          { name: 'telemetry.proto', text: expect.stringContaining('import "common.proto"') },
          { name: 'common.proto', text: expect.stringContaining('message Reading') },
        ],
      },
    ]);
    const schema = screen.getByTestId('codec-schema');
    expect(schema.dataset.kind).toBe('protobuf');
    expect(within(schema).getByText('telemetry.proto, common.proto')).toBeTruthy();

    // A pasted JSON Schema is one more; a rule can check decoded values with it.
    await user.click(screen.getByTestId('codec-schema-paste'));
    await user.selectOptions(screen.getByTestId('codec-schema-kind'), 'json-schema');
    await user.type(screen.getByTestId('codec-paste-name'), 'reading.schema.json');
    await user.click(screen.getByTestId('codec-paste-text'));
    await user.paste('{"type":"object","required":["value"]}');
    await user.click(screen.getByTestId('codec-paste-add'));
    expect(latest.current.schemas.map((s) => [s.id, s.kind])).toEqual([
      ['telemetry', 'protobuf'],
      ['reading.schema', 'json-schema'],
    ]);

    await user.click(screen.getByRole('button', { name: 'Remove schema telemetry.proto (+1)' }));
    expect(latest.current.schemas.map((s) => s.id)).toEqual(['reading.schema']);
  });
});
