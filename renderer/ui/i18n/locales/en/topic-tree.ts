/** English strings of the 'topicTree' namespace: the source every other language is checked against. */
export default {} as const;
