// What other features may use of the profiles feature (first run opens its import).
export { openProfilesImport } from './profiles-toolbar';
