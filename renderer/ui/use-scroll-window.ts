import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The windowing shared by every virtual list: tracks the scroller's height and scroll position and
 * says which fixed-height rows are in view (plus `overscan` either side), so only those render.
 * `pin`, when given, says from the viewport height where the list is about to be scrolled (a list
 * following its newest row knows it without asking the DOM), so the window is right in the same render.
 */
export function useScrollWindow(count: number, rowHeight: number, overscan: number, pin?: (viewport: number) => number) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);

  useLayoutEffect(() => {
    const element = scroller.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setViewport(element.clientHeight));
    observer.observe(element);
    setViewport(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  const top = pin ? pin(viewport) : scrollTop;
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((top + viewport) / rowHeight) + overscan);
  return { scroller, setScrollTop, viewport, top, first, last };
}
