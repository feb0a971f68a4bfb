/** English strings of the 'connectionDialog' namespace: the source every other language is checked against. */
export default {} as const;
