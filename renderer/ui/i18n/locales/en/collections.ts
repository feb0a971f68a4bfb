/** English strings of the 'collections' namespace: the source every other language is checked against. */
export default {} as const;
