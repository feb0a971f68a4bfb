import type en from '../en/automation';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'automation' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
