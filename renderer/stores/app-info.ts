import { getApi } from './api';

/** The app's version, shell and how secrets are kept (the top bar shows it). */
export function fetchAppInfo() {
  return getApi().app.info({});
}
