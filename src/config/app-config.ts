/** The validated, frozen configuration every module reads. Built once at boot by `loadConfig`. */

export type MachineKind = 'fdm_printer' | 'embroidery' | 'laser_cutter' | 'cnc' | 'other';
export const MACHINE_KINDS: readonly MachineKind[] = ['fdm_printer', 'embroidery', 'laser_cutter', 'cnc', 'other'];

export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';
/** Local wall-clock opening hours per weekday, as `['HH:mm', 'HH:mm']` pairs. */
export type WeeklyHours = Partial<Record<Weekday, Array<[string, string]>>>;

export interface ClosureConfig {
  from: string;
  to: string;
  reason?: string;
}

export interface BookingPolicyConfig {
  slotMinutes: number;
  minMinutes: number;
  maxMinutes: number;
  bands: Array<{ from: string; to: string; maxMinutes: number }>;
  allowRunPastClosing: boolean;
  horizonDays: number;
  minNoticeMinutes: number;
  maxOpenReservations: number;
  maxHoursPerDay: number;
  maxHoursPerWeek: number;
  bufferMinutes: number;
  cancelCutoffMinutes: number;
  checkInGraceMinutes: number;
}
export type BookingPolicyOverride = Partial<BookingPolicyConfig>;

export interface MachineConfig {
  id: string;
  name: string;
  kind: MachineKind;
  vendor?: string;
  model?: string;
  capabilities: Record<string, unknown>;
}

export interface SiteConfig {
  id: string;
  name: string;
  timeZone: string;
  locales: string[];
  openingHours: WeeklyHours;
  closures: ClosureConfig[];
  booking?: { default?: BookingPolicyOverride; kinds?: Record<string, BookingPolicyOverride> };
  machines: MachineConfig[];
}

export interface TrainingConfig {
  id: string;
  name: string;
}

export interface AppConfig {
  /** The file the values came from (for messages). */
  source: string;
  network: { name: string };
  server: { port: number; host: string; publicUrl: string };
  dataDir: string;
  database: { driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; schema?: string };
  mqtt: {
    topicPrefix: string;
    /** Set when MQTT_URL is given: the service is only a client of that broker. */
    url?: string;
    embedded: { host: string; port: number };
    keepaliveSeconds: number;
  };
  auth: {
    /** Absent means: generated once and kept in the data folder. */
    jwtSecret?: string;
    accessTokenMinutes: number;
    refreshTokenDays: number;
    throttle: { accountFailures: number; ipFailures: number; windowMinutes: number };
    bootstrapAdmin?: { email: string; password: string };
  };
  trainings: TrainingConfig[];
  /** Which training each machine kind requires, if any. */
  machineKinds: Partial<Record<MachineKind, { training?: string }>>;
  booking: { default: BookingPolicyConfig; kinds: Record<string, BookingPolicyOverride> };
  sites: SiteConfig[];
}
