/** English strings of the 'brokerStats' namespace: the source every other language is checked against. */
export default {} as const;
