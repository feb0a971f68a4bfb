/** English strings of the 'inspector' namespace: the source every other language is checked against. */
export default {} as const;
