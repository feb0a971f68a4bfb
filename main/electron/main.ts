// Placeholder: the Electron shell is being written (see issue 3).
export {};
