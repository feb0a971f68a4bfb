// @vitest-environment happy-dom
import { act, cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectionDialog } from '../../renderer/features/connection-dialog/connection-dialog';
import { useUiStore } from '../../renderer/stores/ui-store';

// The dialog with the real ui store; nothing here reaches the core (no WorkbenchApi is set), so a
// test that connected or saved by mistake would fail with "used before setApi()".
beforeEach(() => {
  act(() => useUiStore.getState().openEditor({ mode: 'new' }));
});

afterEach(() => {
  cleanup();
  useUiStore.setState(useUiStore.getInitialState(), true);
});

async function openSubscriptionsTab() {
  const user = userEvent.setup();
  render(<ConnectionDialog />);
  await user.click(screen.getByRole('tab', { name: 'Subscriptions' }));
  return user;
}

describe('Connection dialog: saved subscriptions', () => {
  it("shows why a filter is invalid and keeps Add disabled [MQTT-4.7.1-1]", async () => {
    const user = await openSubscriptionsTab();
    const input = screen.getByRole('textbox', { name: 'Topic filter to add' });
    const add = screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement;
    expect(add.disabled).toBe(true);

    await user.type(input, 'plant/#/temperature');
    expect(screen.getByText("'#' must be a whole level and the last one")).toBeTruthy();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(add.disabled).toBe(true);
    // Enter does not slip it past the disabled button.
    await user.keyboard('{Enter}');
    expect(screen.queryAllByTestId('saved-subscription')).toHaveLength(0);
    expect(screen.getByText('No saved subscriptions.')).toBeTruthy();
  });

  it('adds a valid filter with its QoS, counts it on the tab and refuses it twice', async () => {
    const user = await openSubscriptionsTab();
    const input = screen.getByRole('textbox', { name: 'Topic filter to add' });
    await user.type(input, 'plant/+/temperature');
    await user.selectOptions(screen.getByRole('combobox', { name: 'QoS of the filter to add' }), 'QoS 1');
    await user.click(screen.getByRole('button', { name: 'Add' }));

    const rows = screen.getAllByTestId('saved-subscription');
    expect(rows.map((row) => row.dataset.filter)).toEqual(['plant/+/temperature']);
    expect((within(rows[0]!).getByRole('combobox', { name: 'QoS of plant/+/temperature' }) as HTMLSelectElement).value).toBe('1');
    expect((within(rows[0]!).getByRole('checkbox', { name: 'Subscribe to plant/+/temperature on connect' }) as HTMLInputElement).checked).toBe(true);
    expect((input as HTMLInputElement).value).toBe('');
    expect(screen.getByRole('tab', { name: 'Subscriptions (1)' }).getAttribute('aria-selected')).toBe('true');

    await user.type(input, 'plant/+/temperature');
    expect(screen.getByText('Already in the list')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);

    // Enter adds as the button does; × removes.
    await user.clear(input);
    await user.type(input, '$SYS/#{Enter}');
    expect(screen.getAllByTestId('saved-subscription').map((row) => row.dataset.filter)).toEqual(['plant/+/temperature', '$SYS/#']);
    await user.click(screen.getByRole('button', { name: 'Remove plant/+/temperature' }));
    expect(screen.getAllByTestId('saved-subscription').map((row) => row.dataset.filter)).toEqual(['$SYS/#']);
    expect(screen.getByRole('tab', { name: 'Subscriptions (1)' })).toBeTruthy();
  });

  it('keeps the list when the user switches tabs and comes back', async () => {
    const user = await openSubscriptionsTab();
    await user.type(screen.getByRole('textbox', { name: 'Topic filter to add' }), 'plant/#{Enter}');
    await user.click(screen.getByRole('checkbox', { name: 'Subscribe to plant/# on connect' }));
    await user.click(screen.getByRole('tab', { name: 'General' }));
    await user.click(screen.getByRole('tab', { name: 'Subscriptions (1)' }));
    expect((screen.getByRole('checkbox', { name: 'Subscribe to plant/# on connect' }) as HTMLInputElement).checked).toBe(false);
  });
});

describe('Connection dialog: checks before connecting', () => {
  it('marks a bad port and names its tab instead of connecting', async () => {
    const user = userEvent.setup();
    render(<ConnectionDialog />);
    const port = screen.getByTestId('connect-port');
    await user.clear(port);
    await user.type(port, '70000');
    // Problems wait for the first attempt, so a half-typed value is not flagged.
    expect(screen.queryByTestId('connect-port-problem')).toBeNull();
    await user.click(screen.getByRole('button', { name: 'Connect' }));

    expect(screen.getByTestId('connect-port-problem').textContent).toBe('Port must be 1-65535');
    expect(port.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByTestId('connection-problems').textContent).toBe('Fix the marked field (in General).');
    expect(screen.getByRole('tab', { name: 'General' }).classList.contains('flagged')).toBe(true);
    expect(screen.getByRole('dialog', { name: 'Connection' })).toBeTruthy();
  });

  it('closes on Esc', async () => {
    const user = userEvent.setup();
    render(<ConnectionDialog />);
    expect(screen.getByRole('heading', { name: 'New connection' })).toBeTruthy();
    await user.keyboard('{Escape}');
    expect(useUiStore.getState().editor).toBeNull();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

describe('Connection dialog: proxy and TLS key log', () => {
  it('shows proxy host, port and credentials only for HTTP CONNECT and SOCKS5', async () => {
    const user = userEvent.setup();
    render(<ConnectionDialog />);
    await user.click(screen.getByRole('tab', { name: 'Proxy' }));
    const kind = screen.getByTestId('connect-proxy-kind') as HTMLSelectElement;
    expect(kind.value).toBe('none');
    expect(screen.queryByTestId('connect-proxy-host')).toBeNull();
    await user.selectOptions(kind, 'socks5');
    expect(screen.getByTestId('connect-proxy-host')).toBeTruthy();
    expect((screen.getByTestId('connect-proxy-password') as HTMLInputElement).type).toBe('password');
    await user.selectOptions(kind, 'system');
    expect(screen.queryByTestId('connect-proxy-host')).toBeNull();
  });

  it('warns that anyone with the key log file can read the traffic, only once a file is named', async () => {
    const user = userEvent.setup();
    render(<ConnectionDialog />);
    await user.selectOptions(screen.getByTestId('connect-protocol'), 'mqtts');
    await user.click(screen.getByRole('tab', { name: 'TLS' }));
    expect(screen.queryByTestId('connect-tls-keylog-warning')).toBeNull();
    await user.type(screen.getByTestId('connect-tls-keylog'), '/tmp/keys.log');
    expect(screen.getByTestId('connect-tls-keylog-warning').textContent).toMatch(/Anyone with this file can decrypt/);
  });
});
