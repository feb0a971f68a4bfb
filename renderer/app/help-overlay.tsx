import { useFocusWhileOpen } from '../ui/use-focus-while-open';
import { useUiStore } from '../stores/ui-store';
import { useTranslation } from '../ui/i18n';
import { SHORTCUT_GROUPS } from './shortcut-list';

/** Keys pressed together, joined as they are written on every keyboard. */
const PLUS = '+';

/** The keyboard shortcuts, listed from the same table the handlers document (? or F1 opens it). */
export function HelpOverlay() {
  const { t } = useTranslation('app');
  const open = useUiStore((s) => s.helpOpen);
  const setOpen = useUiStore((s) => s.setHelpOpen);
  const closeButton = useFocusWhileOpen<HTMLButtonElement>(open);

  if (!open) return null;
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && setOpen(false)}>
      <section className="dialog help-overlay" role="dialog" aria-modal="true" aria-label={t('help.title')} data-testid="help-overlay">
        <header className="dialog-header">
          <h2>{t('help.title')}</h2>
          <button ref={closeButton} type="button" className="icon-button" title={t('help.closeTitle')} aria-label={t('help.close')} data-testid="help-close" onClick={() => setOpen(false)}>
            ×
          </button>
        </header>
        <div className="help-groups">
          {SHORTCUT_GROUPS.map((group) => (
            <section key={group.title} className="help-group">
              <h3>{t(`help.groups.${group.id}`)}</h3>
              <dl>
                {group.shortcuts.map(({ keys, action, id, desktopOnly }) => (
                  <div key={action} className="help-shortcut" data-testid="help-shortcut">
                    <dt>
                      {keys.map((combo, i) => (
                        <span key={i}>
                          {i > 0 && <span className="muted">{t('help.or')}</span>}
                          {combo.map((key, j) => (
                            <span key={j}>
                              {j > 0 && PLUS}
                              <kbd>{key}</kbd>
                            </span>
                          ))}
                        </span>
                      ))}
                    </dt>
                    <dd>{desktopOnly ? t('help.desktopOnly', { action: t(`help.actions.${id}`) }) : t(`help.actions.${id}`)}</dd>
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
