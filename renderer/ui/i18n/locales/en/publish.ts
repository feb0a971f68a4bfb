/** English strings of the 'publish' namespace: the source every other language is checked against. */
export default {} as const;
