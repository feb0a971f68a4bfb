export type Qos = 0 | 1 | 2;
export const QOS_LEVELS: readonly Qos[] = [0, 1, 2];
