export { ScenariosSection } from './scenarios-section';
