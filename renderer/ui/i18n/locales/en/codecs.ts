/** English strings of the 'codecs' namespace: the source every other language is checked against. */
export default {} as const;
