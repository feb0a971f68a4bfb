/** English strings of the 'firstRun' namespace: the source every other language is checked against. */
export default {} as const;
