// @vitest-environment happy-dom
import { act, cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { DecodedPayload } from '../../shared/contract/codec-rules';
import { MessageDetail } from '../../renderer/features/messages/message-detail';
import { MessageRow } from '../../renderer/features/messages/message-row';
import { useCodecsStore } from '../../renderer/stores/codecs-store';
import { useConnectionsStore } from '../../renderer/stores/connections-store';
import { messageBySeq, useMessagesStore } from '../../renderer/stores/messages-store';
import { useUiStore } from '../../renderer/stores/ui-store';
import { connectedSummary } from '../support/connection-summaries';

// A live message as the host sends it when a codec rule matched its topic: the bytes as they came
// and `decoded` beside them. No message id, so the detail shows the decoded text it carries and
// asks the host for nothing (no WorkbenchApi is set: a request would fail the test).
afterEach(() => {
  cleanup();
  act(() => useCodecsStore.setState(useCodecsStore.getInitialState(), true));
});

const summary = connectedSummary();

// A 1x1 PNG (8-byte signature, IHDR); the picture is shown from these bytes through a blob: URL.
const PNG = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89]);

const rule = { ruleId: 'telemetry', ruleName: 'Line telemetry' };

function arrive(topic: string, payload: Uint8Array, decoded: DecodedPayload) {
  let seq = 0;
  act(() => {
    useConnectionsStore.getState().resync([summary]);
    const messages = useMessagesStore.getState();
    messages.ingest([{ connectionId: 'c1', direction: 'in', topic, payload, qos: 0, retain: false, dup: false, timestamp: Date.UTC(2026, 0, 1), decoded } as never]);
    messages.publish();
    seq = useMessagesStore.getState().counts.c1!.total - 1;
  });
  return seq;
}

function open(topic: string, payload: Uint8Array, decoded: DecodedPayload) {
  const seq = arrive(topic, payload, decoded);
  act(() => useUiStore.getState().selectMessage(seq));
  render(<MessageDetail />);
}

describe('A decoded message in the detail', () => {
  it('says which rule decoded it, lists its numbers, and switches to the raw bytes', async () => {
    const user = userEvent.setup();
    open('factory/line1/telemetry', Uint8Array.from([0x09, 0, 0, 0, 0, 0, 0, 0x35, 0x40]), { ...rule, format: 'protobuf', json: true, text: '{"temperature":21}' });
    const detail = screen.getByTestId('message-detail');
    expect(detail.dataset.decoded).toBe('protobuf');
    expect(screen.getByTestId('message-detail-decoded-rule').textContent).toBe('Decoded by rule Line telemetry (protobuf)');
    expect(screen.getAllByTestId('numeric-field').map((row) => row.dataset.path)).toEqual(['temperature']);
    expect((screen.getByTestId('message-detail-format') as HTMLSelectElement).disabled).toBe(true);

    await user.click(screen.getByRole('button', { name: 'Show raw' }));
    expect(detail.dataset.decoded).toBeUndefined();
    expect(detail.dataset.format).toBe('hex');
    expect((screen.getByTestId('message-detail-format') as HTMLSelectElement).disabled).toBe(false);
    expect(screen.queryByTestId('message-numeric-fields')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Show decoded' }));
    expect(detail.dataset.decoded).toBe('protobuf');
  });

  it("shows a rule's problem with the byte offset and falls back to the raw view", () => {
    open('factory/line1/telemetry', Uint8Array.from([0x0a, 0xff, 0x01]), { ...rule, format: 'protobuf', json: false, text: '', problem: { message: 'index out of range: 3 + 255 > 3', offset: 3 } });
    expect(screen.getByTestId('message-detail-decoded-problem').textContent).toBe(
      'Rule Line telemetry (protobuf) could not decode this payload: at byte 3: index out of range: 3 + 255 > 3. Its raw bytes are shown.',
    );
    expect(screen.getByTestId('message-detail').dataset.decoded).toBeUndefined();
    expect(screen.getByTestId('message-detail').dataset.format).toBe('hex');
  });

  it('lists the JSON Schema failures with their path and keyword', () => {
    open('gz/line1/json', new Uint8Array([0x1f, 0x8b]), {
      ...rule,
      format: 'gzip+json',
      json: true,
      text: '{"temperature":"hot"}',
      invalid: [{ path: '/temperature', keyword: 'type', message: 'must be number' }],
    });
    expect(screen.getByTestId('message-detail-decoded-invalid').textContent).toBe('Fails its JSON Schema:/temperature: type: must be number');
  });

  it('shows a picture from its own bytes through a blob: URL, with its type, size and dimensions', () => {
    open('cam/1/snapshot', PNG, { ...rule, format: 'image', json: false, text: '', image: { mime: 'image/png', width: 1, height: 1 } });
    const image = screen.getByRole('img');
    expect(image.getAttribute('src')).toMatch(/^blob:/);
    expect(screen.getByTestId('message-detail-image-caption').textContent).toBe(`image/png · 1×1 px · ${PNG.byteLength} B`);
  });

  it('"Decode like this…" opens the rules editor with a rule for the topic, offering wildcarded parents', async () => {
    const user = userEvent.setup();
    open('factory/line1/telemetry', new Uint8Array([1]), { ...rule, format: 'raw', json: false, text: '01' });
    await user.click(screen.getByTestId('message-detail-decode-like'));
    expect(useCodecsStore.getState().dialog).toEqual({
      scope: { kind: 'global' },
      seed: { filter: 'factory/line1/telemetry', choices: ['factory/line1/telemetry', 'factory/+/telemetry', '+/line1/telemetry', 'factory/line1/#', 'factory/#'] },
    });
  });
});

describe('A decoded message in the list', () => {
  it('previews the decoded text marked with its format, and marks a JSON Schema failure with its path and keyword', () => {
    const seq = arrive('gz/line1/json', new Uint8Array([0x1f, 0x8b, 8]), {
      ...rule,
      format: 'gzip+json',
      json: true,
      text: '{"temperature":"hot"}',
      invalid: [{ path: '/temperature', keyword: 'type', message: 'must be number' }],
    });
    render(<MessageRow message={messageBySeq('c1', seq)!} selected={false} onSelect={() => {}} />);
    const cell = screen.getByTestId('message-payload');
    // The text stays the payload's (decoded); the mark is drawn from data attributes.
    expect(cell.textContent).toBe('{"temperature":"hot"}');
    expect(cell.dataset.decoded).toBe('gzip+json');
    expect(cell.dataset.invalid).toBe('true');
    expect(cell.dataset.mark).toBe('✗ /temperature type');
    expect(cell.title).toBe('Decoded by rule Line telemetry (gzip+json). Fails its JSON Schema:\n/temperature: type: must be number');
  });
});
