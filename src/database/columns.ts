import type { ColumnOptions } from 'typeorm';

/**
 * Instants are stored as epoch milliseconds in a BIGINT on every driver: no driver-specific
 * date type, no server time zone in the way, and the same number the domain rules compute with.
 * PostgreSQL returns BIGINT as a string, hence the transformer.
 */
export const epochMs = (options: Pick<ColumnOptions, 'name' | 'nullable'> = {}): ColumnOptions => ({
  type: 'bigint',
  ...options,
  transformer: {
    to: (value: number | null | undefined) => value,
    from: (value: string | number | null) => (value === null ? null : Number(value)),
  },
});

/** JSON stored as text on both drivers (small documents: opening hours, capabilities, scopes). */
export const json = (options: Pick<ColumnOptions, 'name' | 'nullable'> = {}): ColumnOptions => ({
  type: 'simple-json',
  ...options,
});
