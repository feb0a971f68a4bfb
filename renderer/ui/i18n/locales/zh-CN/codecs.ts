import type en from '../en/codecs';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'codecs' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
