// @vitest-environment happy-dom
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ColumnResizer } from '../../renderer/ui/column-resizer';
import { MiddleCut } from '../../renderer/ui/middle-cut';
import { Panel } from '../../renderer/ui/panel';

afterEach(cleanup);

describe('MiddleCut', () => {
  it('keeps the last topic level whole and the whole topic in its text and title', () => {
    render(<MiddleCut text="site/plant-7/relay/0/temperature" testId="topic" />);
    const label = screen.getByTestId('topic');
    // Copy, search and the hover title all see the topic whole; only the head may be cut by CSS.
    expect(label.textContent).toBe('site/plant-7/relay/0/temperature');
    expect(label.title).toBe('site/plant-7/relay/0/temperature');
    expect(label.querySelector('.middle-cut-head')?.textContent).toBe('site/plant-7/relay/0');
    expect(label.querySelector('.middle-cut-tail')?.textContent).toBe('/temperature');
  });

  it('shows a single-level topic as a head alone', () => {
    render(<MiddleCut text="status" testId="topic" />);
    const label = screen.getByTestId('topic');
    expect(label.querySelector('.middle-cut-head')?.textContent).toBe('status');
    expect(label.querySelector('.middle-cut-tail')).toBeNull();
  });
});

describe('ColumnResizer', () => {
  /** A header cell of a given width with the resizer on its edge; records what it asks for. */
  function renderInCell(width: number) {
    const widths: (number | null)[] = [];
    render(
      <div data-testid="cell">
        Topic
        <ColumnResizer label="Resize the Topic column" onResize={(w) => widths.push(w)} />
      </div>,
    );
    // happy-dom does no layout: give the cell the width the browser would measure.
    screen.getByTestId('cell').getBoundingClientRect = () => ({ width, height: 20, x: 0, y: 0, top: 0, left: 0, right: width, bottom: 20, toJSON: () => ({}) });
    return widths;
  }

  it('is a focusable vertical separator that the arrow keys widen and narrow by 20 px', async () => {
    const user = userEvent.setup();
    const widths = renderInCell(200);
    const handle = screen.getByRole('separator', { name: 'Resize the Topic column' });
    expect(handle.getAttribute('aria-orientation')).toBe('vertical');
    await user.tab();
    expect(document.activeElement).toBe(handle);
    await user.keyboard('{ArrowRight}{ArrowLeft}');
    expect(widths).toEqual([220, 180]);
    // Other keys (Tab onward, Enter) are not taken from the user.
    await user.keyboard('{Enter}a');
    expect(widths).toEqual([220, 180]);
  });

  it('gives the column its default width back on a double click', async () => {
    const user = userEvent.setup();
    const widths = renderInCell(200);
    await user.dblClick(screen.getByRole('separator'));
    expect(widths.at(-1)).toBeNull();
  });
});

describe('Panel', () => {
  function Draft() {
    const [text, setText] = useState('');
    return <input aria-label="Draft" value={text} onChange={(e) => setText(e.target.value)} />;
  }

  /** A panel whose collapsed state the test can flip, as the layout does. */
  function Collapsible() {
    const [collapsed, setCollapsed] = useState(false);
    return (
      <>
        <button type="button" onClick={() => setCollapsed((c) => !c)}>
          Toggle
        </button>
        <Panel name="publish" title="Publish" collapsed={collapsed}>
          <Draft />
        </Panel>
      </>
    );
  }

  it('keeps what the user typed while collapsed and shows it again when expanded', async () => {
    const user = userEvent.setup();
    render(<Collapsible />);
    await user.type(screen.getByRole('textbox', { name: 'Draft' }), 'sensors/#');
    await user.click(screen.getByRole('button', { name: 'Toggle' }));
    const panel = screen.getByTestId('panel-publish');
    expect(panel.classList.contains('collapsed')).toBe(true);
    expect(screen.getByRole('heading', { name: 'Publish' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Toggle' }));
    expect(panel.classList.contains('collapsed')).toBe(false);
    expect((screen.getByRole('textbox', { name: 'Draft' }) as HTMLInputElement).value).toBe('sensors/#');
  });

  it('shows a crashed body as an alert with a Retry that renders it again', async () => {
    const user = userEvent.setup();
    let broken = true;
    function Fragile() {
      if (broken) throw new Error('bad payload');
      return <p>Recovered</p>;
    }
    // React logs the caught error and the panel its own line: keep them out of the test output.
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    let calls: unknown[][] = [];
    try {
      render(
        <Panel name="messages" title="Messages">
          <Fragile />
        </Panel>,
      );
      calls = [...logged.mock.calls];
    } finally {
      logged.mockRestore();
    }
    expect(calls.some(([first]) => String(first).includes('The Messages panel crashed'))).toBe(true);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('The Messages panel hit an error: bad payload');
    // The header stays, so the user still knows which panel broke.
    expect(screen.getByRole('heading', { name: 'Messages' })).toBeTruthy();
    broken = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(screen.getByText('Recovered')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
