import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from './domain-error.js';

/** The path to the first string holding U+0000, or null. */
export function findNulByte(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes('\u0000') ? path : null;
  if (depth > 32 || value === null || typeof value !== 'object') return null;
  for (const [key, inner] of Object.entries(value)) {
    const found = findNulByte(inner, path ? `${path}.${key}` : key, depth + 1);
    if (found !== null) return found;
  }
  return null;
}

/**
 * PostgreSQL refuses U+0000 in text, so a NUL byte in any body, query or path value would be a 500
 * there (and a stored oddity in SQLite): it is refused at the edge with the field named.
 */
@Injectable()
export class RejectNulBytesPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const field = findNulByte(value, metadata.data ?? '');
    if (field !== null) {
      throw new ValidationFailedError(`${field || 'The request'} contains a NUL character, which is not allowed.`, {
        field: field || undefined,
      });
    }
    return value;
  }
}
