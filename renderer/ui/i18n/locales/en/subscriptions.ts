/** English strings of the 'subscriptions' namespace: the source every other language is checked against. */
export default {} as const;
