/** English strings of the 'history' namespace: the source every other language is checked against. */
export default {} as const;
