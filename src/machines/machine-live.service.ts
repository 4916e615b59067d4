import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type {
  Availability,
  EventEnvelope,
  MachineMeta,
  MachineStateSnapshot,
  RetainedMachineChannel,
  Telemetry,
} from '@fabrique/firmware-bridge';
import { canManageSite, canReadSite, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { SitesService } from '../sites/sites.service.js';
import { alertConditions, DEFAULT_ALERT_THRESHOLDS, reconcileAlerts, sortAlerts, type Alert } from './alert.rules.js';
import { clearRefusal, effectiveState, linkSummary, type StateInputs } from './live-state.rules.js';
import { MachineLiveEvents } from './machine-live-events.js';
import { toMachineLive, type Derived, type MachineLive, type Reported } from './machine-live.model.js';
import { MachineLiveStore } from './machine-live.store.js';
import { NoServingBridgeError, NotAwaitingClearError } from './machine-live.errors.js';
import { MachineRegistry, type RegisteredMachine } from './machine-registry.js';
import type { Machine } from './machine.entity.js';

export type { MachineLive } from './machine-live.model.js';

const RECENT_EVENTS = 64;
const ALERT_TICK_MS = 15_000;
const REGISTRY_TICK_MS = 60_000;

/**
 * Machines' live state: folds what ingestion accepted into one in-memory entry per known machine,
 * derives the state everyone sees and the alerts staff act on, persists snapshots and events
 * behind the scenes, and announces every change on `MachineLiveEvents`. Every map here is keyed by
 * machines of the registry (or bridges ingestion vouched for), so memory follows the fleet, not
 * the traffic.
 */
@Injectable()
export class MachineLiveService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly reported = new Map<string, Reported>();
  private readonly derived = new Map<string, Derived>();
  private readonly bridges = new Map<string, boolean>();
  private loading?: Promise<void>;
  private reloading: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];

  constructor(
    @Inject(MachineRegistry) private readonly registry: MachineRegistry,
    @Inject(MachineLiveStore) private readonly store: MachineLiveStore,
    @Inject(MachineLiveEvents) private readonly events: MachineLiveEvents,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ready();
    // Time alone raises some alerts (awaiting_clear for too long); machines may change elsewhere.
    this.timers = [
      setInterval(() => this.evaluateAll(), ALERT_TICK_MS),
      setInterval(() => void this.reloadRegistry().catch(() => undefined), REGISTRY_TICK_MS),
    ];
    for (const timer of this.timers) timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    await this.store.flush();
  }

  /** Resolves once machines and stored snapshots are loaded (after config machines are written). */
  ready(): Promise<void> {
    this.loading ??= Promise.all([this.reloadRegistry(), this.store.load()]).then(() => undefined);
    return this.loading;
  }

  knows(machineId: string): boolean {
    return this.registry.has(machineId);
  }

  /** Re-reads which machines exist; concurrent callers share one query. */
  reloadRegistry(): Promise<void> {
    this.reloading ??= this.registry
      .reload()
      .then(({ added, changed, removed }) => {
        for (const machineId of added) this.derive(machineId);
        for (const machineId of changed) this.refresh(machineId);
        for (const machineId of removed) {
          this.reported.delete(machineId);
          this.derived.delete(machineId);
          this.store.forget(machineId);
        }
      })
      .finally(() => (this.reloading = null));
    return this.reloading;
  }

  /** Called when staff change a machine's admin status, so `maintenance` shows at once. */
  adminStatusChanged(machine: Pick<Machine, 'id' | 'adminStatus'>): void {
    if (this.registry.setAdminStatus(machine.id, machine.adminStatus)) this.refresh(machine.id);
  }

  /** A bridge's connection came up (status online, or a message of a newer session) or went down. */
  bridgeLink(bridgeId: string, online: boolean, claimedMachineIds: readonly string[] = []): void {
    this.bridges.set(bridgeId, online);
    for (const machineId of claimedMachineIds) this.attach(machineId, bridgeId);
    for (const [machineId, entry] of this.reported) if (entry.bridgeId === bridgeId) this.refresh(machineId);
  }

  /** The bridge's credentials are gone: what it said is no longer fresh data about anything. */
  forgetBridge(bridgeId: string): void {
    if (!this.bridges.delete(bridgeId)) return;
    for (const [machineId, entry] of [...this.reported]) {
      if (entry.bridgeId !== bridgeId) continue;
      this.reported.delete(machineId);
      this.refresh(machineId);
    }
  }

  applyState(machineId: string, bridgeId: string, snapshot: MachineStateSnapshot, reportedAt: number): void {
    const entry = this.attach(machineId, bridgeId);
    if (!entry) return;
    const now = this.clock.now();
    const row = { machineId, bridgeId, state: snapshot.state, snapshot, reportedAt, receivedAt: now };
    const changed = this.store.saveSnapshot(row);
    entry.snapshot = snapshot;
    entry.snapshotAt = now;
    this.refresh(machineId, changed);
  }

  applyAvailability(machineId: string, bridgeId: string, availability: Availability): void {
    const entry = this.attach(machineId, bridgeId);
    if (!entry) return;
    entry.availability = availability;
    this.refresh(machineId);
  }

  applyMeta(machineId: string, bridgeId: string, meta: MachineMeta): void {
    const entry = this.attach(machineId, bridgeId);
    if (entry) entry.meta = meta;
  }

  applyTelemetry(machineId: string, bridgeId: string, sample: Telemetry): void {
    const entry = this.attach(machineId, bridgeId);
    if (entry) entry.telemetry = { sample, at: this.clock.now() };
  }

  /** Any other sign of life from the machine's bridge (command results). */
  touch(machineId: string, bridgeId: string): void {
    this.attach(machineId, bridgeId);
  }

  /** Stores and announces an edge event; false when this `msgId` was seen already. */
  recordEvent(machineId: string, message: EventEnvelope): boolean {
    const derived = this.derived.get(machineId);
    const registered = this.registry.get(machineId);
    if (!derived || !registered || !this.attach(machineId, message.bridgeId)) return false;
    if (derived.recentEvents.includes(message.msgId)) return false;
    derived.recentEvents.push(message.msgId);
    if (derived.recentEvents.length > RECENT_EVENTS) derived.recentEvents.shift();
    const { msgId, bridgeId, type, session, seq, ts, data } = message;
    const at = this.clock.now();
    this.store.addEvent({
      msgId,
      machineId,
      bridgeId,
      type,
      session,
      seq,
      reportedAt: Date.parse(ts),
      receivedAt: at,
      data,
    });
    this.events.emit({
      type: 'machine.event',
      at,
      siteId: registered.siteId,
      machineId,
      bridgeId,
      event: { msgId, type, ts, data },
    });
    return true;
  }

  /** A zero-length retained publish: the machine was decommissioned from its bridge (firmware-bridge/CONTRACT.md). */
  clearRetained(machineId: string, channel: RetainedMachineChannel): void {
    const entry = this.reported.get(machineId);
    if (channel === 'state') {
      this.reported.delete(machineId);
      this.store.deleteSnapshot(machineId);
    } else if (entry && channel === 'meta') entry.meta = null;
    else if (entry) entry.availability = null;
    this.refresh(machineId);
  }

  /** A machine's live state for someone who may read its site; 404 otherwise. */
  async read(machineId: string, principal: Principal): Promise<MachineLive> {
    // A machine staff created a moment ago may not be in the registry yet.
    if (!this.registry.has(machineId)) await this.reloadRegistry();
    this.evaluateAlerts(machineId);
    const live = this.get(machineId);
    if (!live || !canReadSite(principal, live.siteId)) throw new NotFoundError('machine', machineId);
    return live;
  }

  /** Active alerts of a site, most severe first, then oldest first; 404 unless staff of the site. */
  async siteAlerts(siteId: string, principal: Principal): Promise<Alert[]> {
    if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
    await this.sites.get(siteId);
    const alerts: Alert[] = [];
    for (const [machineId, registered] of this.registry.entries()) {
      if (registered.siteId !== siteId) continue;
      this.evaluateAlerts(machineId);
      alerts.push(...(this.derived.get(machineId)?.alerts ?? []));
    }
    return sortAlerts(alerts);
  }

  /** The bridge to send `clear_confirm` to; a domain error when the machine cannot be cleared now. */
  clearTarget(machineId: string): { bridgeId: string } {
    const live = this.get(machineId);
    const bridge = live?.bridge ?? null;
    const refusal = clearRefusal(live?.state ?? 'unknown', bridge);
    if (refusal === 'NO_SERVING_BRIDGE' || !bridge) {
      throw new NoServingBridgeError(`No connected bridge serves machine '${machineId}' right now.`);
    }
    if (refusal === 'NOT_AWAITING_CLEAR') {
      throw new NotAwaitingClearError(
        `Machine '${machineId}' is ${live?.state}, not waiting for its build area to be cleared.`,
      );
    }
    return { bridgeId: bridge.id };
  }

  /** The machine's live state as last derived (no side effects); null for an unknown machine. */
  get(machineId: string): MachineLive | null {
    const registered = this.registry.get(machineId);
    const derived = this.derived.get(machineId);
    if (!registered || !derived) return null;
    const entry = this.reported.get(machineId);
    const bridgeOnline = entry ? (this.bridges.get(entry.bridgeId) ?? true) : null;
    return toMachineLive(machineId, registered, derived, entry, bridgeOnline);
  }

  flush(): Promise<void> {
    return this.store.flush();
  }

  /** Sizes of the in-memory maps: they follow the registry, never the traffic. */
  /** Bridges whose connection is up now (for /metrics). */
  onlineBridges(): number {
    let online = 0;
    for (const up of this.bridges.values()) if (up) online += 1;
    return online;
  }

  sizes(): { machines: number; reported: number; bridges: number } {
    return { machines: this.registry.size, reported: this.reported.size, bridges: this.bridges.size };
  }

  private attach(machineId: string, bridgeId: string): Reported | null {
    if (!this.registry.has(machineId)) return null;
    const lastSeenAt = this.clock.now();
    const entry = this.reported.get(machineId);
    if (entry) {
      entry.lastSeenAt = lastSeenAt;
      if (entry.bridgeId !== bridgeId) {
        entry.bridgeId = bridgeId;
        this.refresh(machineId);
      }
      return entry;
    }
    const created: Reported = {
      bridgeId,
      snapshot: null,
      snapshotAt: null,
      availability: null,
      meta: null,
      telemetry: null,
      lastSeenAt,
    };
    this.reported.set(machineId, created);
    this.refresh(machineId);
    return created;
  }

  private inputsOf(machineId: string, registered: RegisteredMachine): StateInputs {
    const entry = this.reported.get(machineId);
    return {
      adminStatus: registered.adminStatus,
      bridgeOnline: entry ? (this.bridges.get(entry.bridgeId) ?? true) : null,
      availability: entry?.availability?.state ?? null,
      snapshot: entry?.snapshot ?? null,
    };
  }

  /** First derivation of a machine new to the registry: nothing to announce yet. */
  private derive(machineId: string): void {
    const registered = this.registry.get(machineId);
    if (!registered || this.derived.has(machineId)) return;
    const inputs = this.inputsOf(machineId, registered);
    const since = this.clock.now();
    this.derived.set(machineId, {
      state: effectiveState(inputs),
      since,
      link: linkSummary(inputs),
      alerts: [],
      recentEvents: [],
    });
  }

  /** Re-derives a machine's state and link, announcing what changed. */
  private refresh(machineId: string, snapshotChanged = false): void {
    const registered = this.registry.get(machineId);
    const derived = this.derived.get(machineId);
    if (!registered || !derived) return;
    const inputs = this.inputsOf(machineId, registered);
    const state = effectiveState(inputs);
    const link = linkSummary(inputs);
    const base = { at: this.clock.now(), siteId: registered.siteId, machineId };
    const { state: previousState, link: previousLink } = derived;
    Object.assign(derived, { state, link });
    if (state !== previousState) derived.since = base.at;
    const entry = this.reported.get(machineId);
    if (state !== previousState || snapshotChanged) {
      const snapshot = entry?.snapshot ?? null;
      this.events.emit({ type: 'machine.state_changed', ...base, state, previousState, snapshot });
    }
    if (link !== previousLink) {
      const bridgeId = entry?.bridgeId ?? null;
      this.events.emit({ type: 'machine.availability_changed', ...base, link, previousLink, bridgeId });
    }
    this.evaluateAlerts(machineId);
  }

  private evaluateAll(): void {
    for (const [machineId] of this.registry.entries()) this.evaluateAlerts(machineId);
  }

  /** Raises and clears alerts as state changes; called on every change and as time passes. */
  private evaluateAlerts(machineId: string): void {
    const registered = this.registry.get(machineId);
    const derived = this.derived.get(machineId);
    if (!registered || !derived) return;
    const now = this.clock.now();
    const inputs = {
      adminStatus: registered.adminStatus,
      state: derived.state,
      stateSince: derived.since,
      snapshot: this.reported.get(machineId)?.snapshot ?? null,
    };
    const conditions = alertConditions(inputs, now, DEFAULT_ALERT_THRESHOLDS);
    const { alerts, raised, cleared } = reconcileAlerts(derived.alerts, conditions, {
      machineId,
      siteId: registered.siteId,
      now,
    });
    if (raised.length === 0 && cleared.length === 0) return;
    derived.alerts = alerts;
    const base = { at: now, siteId: registered.siteId, machineId };
    for (const alert of cleared) this.events.emit({ type: 'alert.cleared', ...base, alert });
    for (const alert of raised) this.events.emit({ type: 'alert.raised', ...base, alert });
  }
}
