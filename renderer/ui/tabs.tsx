import type { KeyboardEvent } from 'react';
import './tabs.css';

export interface TabDef<K extends string> {
  key: K;
  label: string;
  /** Draws a problem marker on the tab (a field inside has an error). */
  flagged?: boolean;
  hidden?: boolean;
}

/** A row of tabs; Left/Right move between them, as in any tablist. */
export function Tabs<K extends string>({ tabs, active, onSelect, testId }: { tabs: TabDef<K>[]; active: K; onSelect(key: K): void; testId: string }) {
  const shown = tabs.filter((t) => !t.hidden);
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const index = shown.findIndex((t) => t.key === active);
    const next = shown[(index + (event.key === 'ArrowRight' ? 1 : shown.length - 1)) % shown.length];
    if (next) onSelect(next.key);
    event.preventDefault();
  };
  return (
    <div className="tabs" role="tablist" onKeyDown={onKeyDown} data-testid={testId}>
      {shown.map((tab) => (
        <button
          key={tab.key}
          type="button"
          role="tab"
          aria-selected={tab.key === active}
          tabIndex={tab.key === active ? 0 : -1}
          data-testid={`${testId}-${tab.key}`}
          className={tab.flagged ? 'flagged' : undefined}
          onClick={() => onSelect(tab.key)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}
