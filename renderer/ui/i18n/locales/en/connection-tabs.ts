/** English strings of the 'connectionTabs' namespace: the source every other language is checked against. */
export default {} as const;
