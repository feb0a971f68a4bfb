import type en from '../en/topic-tree';
import type { Catalog } from '../../catalog';

/** Simplified Chinese strings of the 'topicTree' namespace: the same keys as English (the type says so). */
const zhCN: Catalog<typeof en> = {};
export default zhCN;
