/** English strings of the 'messages' namespace: the source every other language is checked against. */
export default {} as const;
