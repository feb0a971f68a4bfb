import { ScenariosSection } from './scenarios';

/** The Automation view: a page of sections (scenarios; saved messages, scripts and checks join it). */
export function AutomationView() {
  return (
    <div className="automation-view" data-testid="automation-view">
      <ScenariosSection />
    </div>
  );
}
