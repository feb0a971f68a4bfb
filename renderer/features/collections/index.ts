export { CollectionsPanel } from './collections-panel';
