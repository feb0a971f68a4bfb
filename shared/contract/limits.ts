/**
 * Bounds the contract's schemas use that main/core also applies outside them. Free of zod, so the
 * history worker threads can import it without loading the validator.
 */

/** Longest connection key or label history takes (a profile name is at most 200 characters). */
export const CONNECTION_NAME_MAX = 512;
