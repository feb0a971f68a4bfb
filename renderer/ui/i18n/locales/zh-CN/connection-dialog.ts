import type en from '../en/connection-dialog';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'connectionDialog' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
