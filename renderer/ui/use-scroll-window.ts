import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The windowing shared by every virtual list: tracks the scroller's height and scroll position and
 * says which fixed-height rows are in view (plus `overscan` either side), so only those render.
 */
export function useScrollWindow(count: number, rowHeight: number, overscan: number) {
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

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { scroller, setScrollTop, viewport, first, last };
}
