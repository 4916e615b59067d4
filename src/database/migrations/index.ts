import { Foundation1763870400000 } from './1763870400000-foundation.js';
import { Booking1763956800000 } from './1763956800000-booking.js';

/** In order. Listed by hand (not globbed) so the build and ESM loading stay predictable. */
export const MIGRATIONS = [Foundation1763870400000, Booking1763956800000];
