/** English strings of the 'automation' namespace: the source every other language is checked against. */
export default {} as const;
