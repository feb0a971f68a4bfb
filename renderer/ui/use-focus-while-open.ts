import { type RefObject, useEffect, useRef } from 'react';

/**
 * A dialog's focus: while `open`, focus moves to the returned element (its close button), and back
 * to what held it before when the dialog closes, so keyboard users land where they were.
 */
export function useFocusWhileOpen<T extends HTMLElement>(open: boolean): RefObject<T | null> {
  const target = useRef<T>(null);
  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    target.current?.focus();
    return () => previous?.focus();
  }, [open]);
  return target;
}
