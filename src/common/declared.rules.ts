import { isDeepStrictEqual } from 'node:util';

/**
 * Config declares sites and machines; staff may change them at runtime. At each boot a field
 * takes the newly declared value only when the stored value still equals what config declared
 * last time (nobody touched it). A staff edit survives a restart and a config change alike.
 */
export function mergeDeclared<T extends object>(
  stored: T,
  declaredNow: Partial<T>,
  declaredBefore: Partial<T> | null,
): { merged: T; changed: boolean } {
  const merged = { ...stored };
  let changed = false;
  for (const [key, value] of Object.entries(declaredNow) as Array<[keyof T, T[keyof T]]>) {
    const untouched = declaredBefore !== null && isDeepStrictEqual(stored[key], declaredBefore[key]);
    if (untouched && !isDeepStrictEqual(stored[key], value)) {
      merged[key] = value;
      changed = true;
    }
  }
  return { merged, changed };
}
