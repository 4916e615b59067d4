/** How the API writes instants: ISO 8601 in UTC (stored as epoch milliseconds). */
export const iso = (ms: number): string => new Date(ms).toISOString();

export const isoOrNull = (ms: number | null): string | null => (ms === null ? null : iso(ms));
