import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { Group, type LayoutChangedMeta, Panel, type PanelProps, Separator, useDefaultLayout } from 'react-resizable-panels';
import { choiceStorage, onChoicesChanged } from './stored-choice';
import './split.css';

export { usePanelRef as useSplitPaneRef } from 'react-resizable-panels';

const paneKey = (id: string) => `workbench.pane.${id}`;
/** Panes narrower than this are collapsed, and their size is not the one to come back to. */
const COLLAPSED_BELOW = 40;

/**
 * The size a pane was last given by the user, in pixels, else `fallback`: for panes whose size is
 * kept in pixels (the sidebar, the topic tree, Plots, Publish, the packet inspector), so a
 * banner or a taller connection line at startup does not turn a remembered share into other pixels.
 */
export function rememberedSize(id: string, fallback: string): string {
  const stored = choiceStorage.getItem(paneKey(id));
  return stored !== null && /^\d{1,5}px$/.test(stored) ? stored : fallback;
}

/**
 * A row or column of resizable panes (react-resizable-panels), whose sizes are remembered across
 * launches in the page's storage. Panes listed in `remember` keep their size in pixels (read back
 * with `rememberedSize` as their default size) and the others share the rest; without `remember`,
 * the shares are remembered, one layout per set of panes shown.
 */
export function SplitGroup(props: SplitGroupProps) {
  const [generation, setGeneration] = useState(0);
  const watched = [`workbench.layout.${props.id}*`, ...(props.remember ?? []).map(paneKey)].join('\n');
  // The host's UI state came in after the first render with other sizes: the panes are laid out
  // again from them (a group's sizes are read when it mounts).
  useEffect(() => onChoicesChanged(watched.split('\n'), () => setGeneration((n) => n + 1)), [watched]);
  return <SplitGroupLayout key={generation} {...props} />;
}

interface SplitGroupProps {
  id: string;
  orientation: 'horizontal' | 'vertical';
  panes: string[];
  remember?: string[];
  className?: string;
  children: ReactNode;
}

function SplitGroupLayout({ id, orientation, panes, remember, className, children }: SplitGroupProps) {
  const key = panes.join(',');
  // The same panes by value, not by the array's identity (a new array each render).
  const panelIds = useMemo(() => key.split(','), [key]);
  const shares = useDefaultLayout({ id: `workbench.layout.${id}`, panelIds, storage: choiceStorage, onlySaveAfterUserInteractions: true });

  const onLayoutChanged = (layout: Record<string, number>, meta: LayoutChangedMeta) => {
    if (!remember) return shares.onLayoutChanged(layout, meta);
    if (!meta.isUserInteraction) return;
    for (const pane of remember) {
      const element = document.querySelector(`[data-testid="pane-${pane}"]`);
      if (!element) continue;
      const box = element.getBoundingClientRect();
      const size = Math.round(orientation === 'horizontal' ? box.width : box.height);
      if (size >= COLLAPSED_BELOW) choiceStorage.setItem(paneKey(pane), `${size}px`);
    }
  };

  return (
    <Group id={`split-${id}`} orientation={orientation} className={`split-group ${className ?? ''}`} defaultLayout={remember ? undefined : shares.defaultLayout} onLayoutChanged={onLayoutChanged}>
      {children}
    </Group>
  );
}

/** The handle between two panes: drag it, or focus it and use the arrow keys; a double click resets. */
export function SplitHandle({ id, label }: { id: string; label: string }) {
  return <Separator id={`split-handle-${id}`} className="split-handle" aria-label={label} title={label} />;
}

/**
 * One pane of a SplitGroup; its test id is `pane-<id>` (bare ids like "inspector" are taken).
 * `rememberedDefault`: its size is one remembered in pixels (see `rememberedSize`), this until one is;
 * read when the pane mounts, so a group laid out again reads it again.
 */
export function SplitPane({ id, rememberedDefault, ...props }: PanelProps & { id: string; rememberedDefault?: string }) {
  const defaultSize = rememberedDefault === undefined ? props.defaultSize : rememberedSize(id, rememberedDefault);
  return <Panel id={id} data-testid={`pane-${id}`} {...props} defaultSize={defaultSize} />;
}
