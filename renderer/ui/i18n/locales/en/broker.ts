/** English strings of the 'broker' namespace: the source every other language is checked against. */
export default {} as const;
