/** The validated, frozen configuration every module reads. Built once at boot by `loadConfig`. */

export type MachineKind = 'fdm_printer' | 'embroidery' | 'laser_cutter' | 'cnc' | 'other';
export const MACHINE_KINDS: readonly MachineKind[] = ['fdm_printer', 'embroidery', 'laser_cutter', 'cnc', 'other'];

// The shapes of opening hours and booking policy belong to the rules that interpret them.
export type { Closure as ClosureConfig, WeeklyHours } from '../sites/opening-hours.rules.js';
export type {
  BookingPolicy as BookingPolicyConfig,
  PolicyOverride as BookingPolicyOverride,
} from '../reservations/booking.policy.js';
import type { Closure as ClosureConfig, WeeklyHours } from '../sites/opening-hours.rules.js';
import type {
  BookingPolicy as BookingPolicyConfig,
  PolicyOverride as BookingPolicyOverride,
} from '../reservations/booking.policy.js';

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
  database: ({ driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; schema?: string }) & {
    /**
     * How long to wait for the database before answering 503: PostgreSQL, for a connection (new or
     * from the pool); SQLite, for another process's write lock (busy_timeout).
     */
    connectTimeoutMs: number;
    /** PostgreSQL only: the longest a statement may run (SQLite runs in-process and cannot be cut). */
    statementTimeoutMs: number;
  };
  mqtt: {
    topicPrefix: string;
    /** Set when MQTT_URL is given: the service is only a client of that broker. */
    url?: string;
    embedded: { host: string; port: number };
    keepaliveSeconds: number;
    /** Stable across restarts: the broker keeps the service's persistent session under it. */
    clientId: string;
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
  jobs: JobsConfig;
  /** Statistics hide any figure that comes from fewer than `suppressBelow` makers (default 5). */
  stats: { suppressBelow: number };
  /** A new installation shows simulated machines until real bridges are connected. */
  demo: { simulatedBridges: boolean; warp: number };
}

/** The job queue's knobs; README "Jobs" explains each. */
export interface JobsConfig {
  maxFileBytes: number;
  /** Two job starts on one site at least this far apart. */
  staggerSeconds: number;
  /** Time kept free after a job's corrected estimate before the machine's next booking. */
  marginMinutes: number;
  /** What a file without an estimate is assumed to take. */
  unknownEstimateMinutes: number;
  dispatch: { answerTimeoutSeconds: number; resendSeconds: number; attempts: number; giveUpMinutes: number };
}
