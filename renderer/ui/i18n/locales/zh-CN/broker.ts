import type en from '../en/broker';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'broker' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
