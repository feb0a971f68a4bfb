import type en from '../en/first-run';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'firstRun' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
