import './automation.css';
/** Automation (issue 17): responders, the script test pane, and the view that holds them. */
export { AutomationView } from './automation-view';
export { ScriptTestPane, type ScriptFunction } from './script-test-pane';
