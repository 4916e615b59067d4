// The bench site: 50 machines open every day 08:00–20:00 in Paris, generous quotas, and the fixed
// instant the bench runs at. Imports nothing from the service, so the load worker can use it too.
import { DateTime } from 'luxon';

export const SITE_ID = 'bench';
export const ZONE = 'Europe/Paris';
/** Monday 23 November 2026, 09:00 in Paris: the bench site has been open for an hour. */
export const NOW = DateTime.fromObject({ year: 2026, month: 11, day: 23, hour: 9 }, { zone: ZONE });

const FDM_MACHINES = 40;
const EMBROIDERY_MACHINES = 10;
/** Every day 08:00–20:00, so any day of the bench calendar is bookable. */
const OPEN = [['08:00', '20:00']];
/** So quotas never refuse a bench booking: makers hold dozens of bookings at once. */
const GENEROUS = { horizonDays: 60, maxOpenReservations: 100_000, maxHoursPerDay: 10_000, maxHoursPerWeek: 100_000 };

export const MACHINES = [
  ...Array.from({ length: FDM_MACHINES }, (_, i) => ({
    id: `bench-fdm-${String(i + 1).padStart(2, '0')}`,
    name: `Bench printer ${String(i + 1).padStart(2, '0')}`,
    kind: 'fdm_printer',
    vendor: 'Prusa Research',
    model: 'MK4',
    capabilities: { buildVolumeMm: [250, 210, 220], nozzleMm: 0.4, materials: ['PLA', 'PETG'] },
  })),
  ...Array.from({ length: EMBROIDERY_MACHINES }, (_, i) => ({
    id: `bench-emb-${String(i + 1).padStart(2, '0')}`,
    name: `Bench embroidery ${String(i + 1).padStart(2, '0')}`,
    kind: 'embroidery',
    vendor: 'Brother',
    model: 'PE800',
    capabilities: { needles: 1, hoopsMm: [[130, 180]] },
  })),
];

export const benchSite = {
  id: SITE_ID,
  name: 'Bench lab',
  timeZone: ZONE,
  locales: ['fr', 'en'],
  openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => [day, OPEN])),
  closures: [],
  // Only quota and horizon keys: the kinds keep their own buffer (15 min for printers) and max.
  booking: { default: GENEROUS },
  machines: MACHINES,
};
