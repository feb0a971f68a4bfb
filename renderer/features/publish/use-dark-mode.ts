// The theme lives in the app shell; features import it from there.
export { useDarkMode } from '../../app/theme';
