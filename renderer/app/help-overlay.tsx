import { useEffect, useRef } from 'react';
import { useUiStore } from '../stores/ui-store';
import { SHORTCUT_GROUPS } from './shortcut-list';

/** The keyboard shortcuts, listed from the same table the handlers document (? or F1 opens it). */
export function HelpOverlay() {
  const open = useUiStore((s) => s.helpOpen);
  const setOpen = useUiStore((s) => s.setHelpOpen);
  const closeButton = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    // Focus moves into the dialog, and back where it was when it closes.
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    closeButton.current?.focus();
    return () => previous?.focus();
  }, [open]);

  if (!open) return null;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="dialog help-overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" data-testid="help-overlay">
        <header className="dialog-header">
          <h2>Keyboard shortcuts</h2>
          <button ref={closeButton} type="button" className="icon-button" title="Close (Esc)" aria-label="Close" data-testid="help-close" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <div className="help-groups">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title} className="help-group">
              <h3>{group.title}</h3>
              <dl>
                {group.shortcuts.map(({ keys, action }) => (
                  <div key={action} className="help-shortcut" data-testid="help-shortcut">
                    <dt>
                      {keys.map((combo, i) => (
                        <span key={i}>
                          {i > 0 && <span className="muted"> or </span>}
                          {combo.map((key, j) => (
                            <span key={j}>
                              {j > 0 && '+'}
                              <kbd>{key}</kbd>
                            </span>
                          ))}
                        </span>
                      ))}
                    </dt>
                    <dd>{action}</dd>
                  </div>
                ))}
              </dl>
            </section>
          ))}
        </div>
      </section>
    </div>
  );
}
