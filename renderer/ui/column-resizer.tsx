import { type KeyboardEvent, type PointerEvent, useRef } from 'react';
import { useTranslation } from './i18n';
import './column-resizer.css';

/**
 * A handle on the right edge of a column header: drag it (or focus it and use the arrow keys) to
 * set the column's width; a double click gives the column its default width back (`null`).
 */
export function ColumnResizer({ label, testId, onResize }: { label: string; testId?: string; onResize(width: number | null): void }) {
  const { t } = useTranslation('common');
  const drag = useRef<{ x: number; width: number } | null>(null);
  const cellWidth = (element: HTMLElement) => element.parentElement?.getBoundingClientRect().width ?? 0;

  const onPointerDown = (event: PointerEvent<HTMLSpanElement>) => {
    event.preventDefault();
    event.stopPropagation();
    event.currentTarget.setPointerCapture(event.pointerId);
    drag.current = { x: event.clientX, width: cellWidth(event.currentTarget) };
  };
  const onPointerMove = (event: PointerEvent<HTMLSpanElement>) => {
    if (drag.current) onResize(drag.current.width + event.clientX - drag.current.x);
  };
  const onPointerUp = () => {
    drag.current = null;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLSpanElement>) => {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    event.preventDefault();
    onResize(cellWidth(event.currentTarget) + (event.key === 'ArrowLeft' ? -20 : 20));
  };

  return (
    <span
      className="column-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={label}
      title={t('columnResizer.title', { label })}
      tabIndex={0}
      data-testid={testId}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
      onDoubleClick={() => onResize(null)}
      onKeyDown={onKeyDown}
    />
  );
}
