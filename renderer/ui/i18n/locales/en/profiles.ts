/** English strings of the 'profiles' namespace: the source every other language is checked against. */
export default {} as const;
