import { Foundation1763870400000 } from './1763870400000-foundation.js';
import { Booking1763956800000 } from './1763956800000-booking.js';
import { MachineLive1764043200000 } from './1764043200000-machine-live.js';
import { Jobs1764129600000 } from './1764129600000-jobs.js';
import { People1764216000000 } from './1764216000000-people.js';
import { SessionGeneration1764302400000 } from './1764302400000-session-generation.js';
import { MaintenanceNotice1764388800000 } from './1764388800000-maintenance-notice.js';

/** In order. Listed by hand (not globbed) so the build and ESM loading stay predictable. */
export const MIGRATIONS = [
  Foundation1763870400000,
  Booking1763956800000,
  MachineLive1764043200000,
  Jobs1764129600000,
  People1764216000000,
  SessionGeneration1764302400000,
  MaintenanceNotice1764388800000,
];
