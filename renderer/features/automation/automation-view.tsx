import type { ComponentType } from 'react';
import { ChecksSection } from './checks/checks-section';
import { RespondersSection } from './responders-section';
import { ScenariosSection } from './scenarios';
import { ScriptTestSection } from './script-test-section';

/** The Automation view: a page of sections, each a title and a component; a section is one entry here. */
const SECTIONS: { key: string; title: string; Component: ComponentType }[] = [
  { key: 'responders', title: 'Responders', Component: RespondersSection },
  { key: 'scenarios', title: 'Scenarios', Component: ScenariosSection },
  { key: 'script-test', title: 'Script test', Component: ScriptTestSection },
  { key: 'checks', title: 'Checks', Component: ChecksSection },
];

export function AutomationView() {
  return (
    <div className="automation-view" data-testid="automation-view">
      {SECTIONS.map(({ key, title, Component }) => (
        <section key={key} className="automation-section" data-testid={`automation-${key}`} aria-labelledby={`automation-${key}-title`}>
          <h2 id={`automation-${key}-title`}>{title}</h2>
          <Component />
        </section>
      ))}
    </div>
  );
}
