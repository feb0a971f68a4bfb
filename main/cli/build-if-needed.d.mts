// Types for build-if-needed.mjs (plain JavaScript: it runs before anything is built).
export declare const root: string;
export declare function buildIfNeeded(): void;
