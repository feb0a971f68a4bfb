/** A path into a JSON value: object keys and array indexes, outermost first. [] is the value itself. */
export type JsonPath = readonly (string | number)[];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `$`, `temp`, `sensors[0].value`, `["odd key"].x`: readable and unambiguous. */
export function formatPath(path: JsonPath): string {
  if (path.length === 0) return '$';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (IDENTIFIER.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

/**
 * A path as a user reads it: like formatPath, but a lone key is shown as it is (a Sparkplug
 * metric "Axis/Temperature", not ["Axis/Temperature"]). For labels; formatPath stays the exact form.
 */
export function displayPath(path: JsonPath): string {
  return path.length === 1 && typeof path[0] === 'string' ? path[0] : formatPath(path);
}

export interface NumericLeaf {
  path: JsonPath;
  value: number;
}

/**
 * The numbers inside a parsed JSON value, in document order, at most `limit` of them (a huge array
 * of numbers must not become a huge list of buttons). A bare number yields the path [].
 */
export function numericLeaves(root: unknown, limit = 200): NumericLeaf[] {
  const found: NumericLeaf[] = [];
  const visit = (value: unknown, path: (string | number)[]): void => {
    if (found.length >= limit) return;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) found.push({ path: [...path], value });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length && found.length < limit; i++) visit(value[i], [...path, i]);
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (found.length >= limit) break;
        visit(child, [...path, key]);
      }
    }
  };
  visit(root, []);
  return found;
}

/** The value at `path`, or undefined when the path does not exist. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== 'object') return undefined;
    if (typeof part === 'number') {
      if (!Array.isArray(value)) return undefined;
      value = value[part];
    } else {
      if (Array.isArray(value) || !Object.prototype.hasOwnProperty.call(value, part)) return undefined;
      value = (value as Record<string, unknown>)[part];
    }
  }
  return value;
}
