export { UpdatesButton, UpdatesPanel, UpdatesPrompt } from './updates-section';
