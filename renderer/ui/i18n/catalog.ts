/**
 * A translation has exactly the English catalog's keys, each a string: TypeScript refuses a
 * language file with a missing or extra key, and test/unit/i18n-catalogs.test.ts checks the rest
 * (no empty string, the same {{placeholders}}, nothing left in English by mistake).
 */
export type Catalog<T> = { -readonly [K in keyof T]: T[K] extends string ? string : Catalog<T[K]> };
