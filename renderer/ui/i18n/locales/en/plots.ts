/** English strings of the 'plots' namespace: the source every other language is checked against. */
export default {} as const;
