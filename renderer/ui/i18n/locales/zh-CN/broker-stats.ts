import type en from '../en/broker-stats';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'brokerStats' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
