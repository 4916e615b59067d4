// String formats of the contract, shared by the schemas and by code that builds messages.

/** `msgId`: a UUID (the encoders emit v7) or a ULID, so a bridge may use either library. */
export const MSG_ID_PATTERN =
  /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|[0-7][0-9A-HJKMNP-TV-Z]{25})$/;

/** Opaque ids minted elsewhere: `commandId`, `jobId`, intervention and fault ids. */
export const TOKEN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export const SHA256_PATTERN = /^[0-9a-f]{64}$/;
export const COLOR_PATTERN = /^#[0-9A-Fa-f]{6}$/;
export const URL_PATTERN = /^https?:\/\/[^\s]+$/;
/** Keys of open records (capabilities): no leading `_`, so never `__proto__`. */
export const RECORD_KEY_PATTERN = /^[a-z][a-zA-Z0-9_]{0,63}$/;
/** Heater names in `temps`. */
export const HEATER_PATTERN = /^[a-z][a-z0-9_]{0,31}$/;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:Z|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
}

/**
 * RFC 3339 `date-time` (the ISO-8601 profile JSON Schema means): `T` and `Z` in upper case,
 * an offset or `Z` required, calendar-valid. Leap seconds (`:60`) are refused because JavaScript
 * dates cannot represent them.
 */
export function isIsoDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const offsetHour = m[7] === undefined ? 0 : Number(m[7]);
  const offsetMinute = m[8] === undefined ? 0 : Number(m[8]);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHour <= 23 &&
    offsetMinute <= 59
  );
}
