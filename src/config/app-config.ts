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
  /** What the start should tell the operator about the file (an older version read as the current one). */
  notices: string[];
  network: { name: string };
  server: {
    port: number;
    host: string;
    publicUrl: string;
    /** Browser origins besides the service's own that may open the live socket. */
    allowedOrigins: string[];
    /** Express's `trust proxy`: which proxies may name the client address in X-Forwarded-For. */
    trustProxy: boolean | number | string;
  };
  log: LogConfig;
  /** `/metrics` answers only with `token`, or only on its own `port`; with neither it is off. */
  metrics: { token?: string; port?: number; host: string };
  dataDir: string;
  database: ({ driver: 'sqlite'; file: string } | { driver: 'postgres'; url: string; schema?: string }) & {
    /** Further attempts, 3 s apart, when the database refuses the first connection at start. */
    connectRetries: number;
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
    /** Bridges must keep their connection alive at most this far apart (keepalive 0 is refused). */
    embedded: { host: string; port: number; maxKeepaliveSeconds: number };
    keepaliveSeconds: number;
    /** Create, change and delete bridges' broker accounts through Mosquitto's dynamic-security plugin. */
    dynamicSecurity: boolean;
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
  /**
   * Statistics hide any figure that comes from fewer than `suppressBelow` makers (default 5), and
   * answer for whole periods of the `grid` (local calendar months or Monday-to-Sunday weeks).
   */
  stats: { suppressBelow: number; grid: StatsGrid };
  /** A new installation shows simulated machines until real bridges are connected. */
  demo: { simulatedBridges: boolean; warp: number };
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
export const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export interface LogConfig {
  level: LogLevel;
  /** `json`: one object per line for a log collector; `pretty`: one readable line for a person. */
  format: 'json' | 'pretty';
}

export type StatsGrid = 'month' | 'week';

/** The job queue's knobs; docs/api.md "Jobs" explains each. */
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
