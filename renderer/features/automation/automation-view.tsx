import type { ComponentType } from 'react';
import { ChecksSection } from './checks/checks-section';
import { RespondersSection } from './responders-section';
import { ScenariosSection } from './scenarios';
import { ScriptTestSection } from './script-test-section';
import { useTranslation } from '../../ui/i18n';

/** The Automation view: a page of sections, each a title and a component; a section is one entry here. */
const SECTIONS: { key: 'responders' | 'scenarios' | 'script-test' | 'checks'; Component: ComponentType }[] = [
  { key: 'responders', Component: RespondersSection },
  { key: 'scenarios', Component: ScenariosSection },
  { key: 'script-test', Component: ScriptTestSection },
  { key: 'checks', Component: ChecksSection },
];

export function AutomationView() {
  const { t } = useTranslation('automation');
  return (
    <div className="automation-view" data-testid="automation-view">
      {SECTIONS.map(({ key, Component }) => (
        <section key={key} className="automation-section" data-testid={`automation-${key}`} aria-labelledby={`automation-${key}-title`}>
          <h2 id={`automation-${key}-title`}>{t(`sections.${key}`)}</h2>
          <Component />
        </section>
      ))}
    </div>
  );
}
