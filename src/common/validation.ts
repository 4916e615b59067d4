import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { ValidationFailedError } from './domain-error.js';

/** Depth-first: the first leaf constraint names the field, e.g. `capabilities.nozzleMm`. */
function firstLeaf(errors: ValidationError[], path: string[] = []): { field: string; reason: string } | null {
  for (const error of errors) {
    const here = [...path, error.property];
    if (error.constraints) {
      const reason = Object.values(error.constraints)[0];
      return { field: here.join('.'), reason };
    }
    const nested = firstLeaf(error.children ?? [], here);
    if (nested) return nested;
  }
  return null;
}

/**
 * Every body and query goes through this pipe: unknown properties are refused (a typo is a 400,
 * not a silently ignored field) and the answer names the field and the reason.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const leaf = firstLeaf(errors);
      return new ValidationFailedError(leaf ? leaf.reason : 'The request is not valid.', {
        field: leaf?.field,
      });
    },
  });
}
