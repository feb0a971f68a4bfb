import type en from '../en/publish';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'publish' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
