// Placeholder: the preload is being written (see issue 3).
export {};
