import type en from '../en/connection-tabs';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'connectionTabs' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
