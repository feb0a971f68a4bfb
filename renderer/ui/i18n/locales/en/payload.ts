/** English strings of the 'payload' namespace: the source every other language is checked against. */
export default {} as const;
