import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { WriteLock } from '../database/write-lock.js';
import { MachineEventRow, MachineLiveRow } from './machine-live.entity.js';

/** Events waiting for the database beyond this are dropped (and logged): memory stays bounded. */
const MAX_PENDING_EVENTS = 10_000;
/** Rows per INSERT: well under SQLite's bound-parameter limit with 9 columns. */
const EVENTS_PER_INSERT = 50;

/**
 * Write-behind persistence of live state. Ingestion runs at the broker's pace and must not wait
 * for the database: snapshots are coalesced per machine (only the latest matters, and only when
 * it differs from what is stored) and events are batched, all written through the write lock by
 * one flush loop at a time.
 */
@Injectable()
export class MachineLiveStore {
  private readonly logger = new Logger(MachineLiveStore.name);
  /** What the database holds per machine (bridge + snapshot JSON), to skip unchanged heartbeats. */
  private readonly stored = new Map<string, string>();
  /** Per machine: the row to upsert, or null to delete. */
  private readonly pendingSnapshots = new Map<string, MachineLiveRow | null>();
  private pendingEvents: MachineEventRow[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    @InjectRepository(MachineLiveRow) private readonly snapshots: Repository<MachineLiveRow>,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
  ) {}

  async load(): Promise<void> {
    for (const row of await this.snapshots.find()) this.stored.set(row.machineId, keyOf(row));
  }

  /** Queues the snapshot unless the database already holds the same one; says whether it did. */
  saveSnapshot(row: MachineLiveRow): boolean {
    const key = keyOf(row);
    if (this.stored.get(row.machineId) === key) return false;
    this.stored.set(row.machineId, key);
    this.pendingSnapshots.set(row.machineId, row);
    this.schedule();
    return true;
  }

  deleteSnapshot(machineId: string): void {
    if (!this.stored.delete(machineId) && !this.pendingSnapshots.has(machineId)) return;
    this.pendingSnapshots.set(machineId, null);
    this.schedule();
  }

  addEvent(row: MachineEventRow): void {
    if (this.pendingEvents.length >= MAX_PENDING_EVENTS) {
      this.logger.error(`Event ${row.msgId} of ${row.machineId} not stored: the database is not keeping up`);
      return;
    }
    this.pendingEvents.push(row);
    this.schedule();
  }

  forget(machineId: string): void {
    this.stored.delete(machineId);
    this.pendingSnapshots.delete(machineId);
  }

  /** Resolves once everything queued so far is written (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  get pending(): number {
    return this.pendingSnapshots.size + this.pendingEvents.length;
  }

  private schedule(): void {
    this.flushing ??= this.drain().finally(() => (this.flushing = null));
  }

  private async drain(): Promise<void> {
    // Let the current burst of messages queue up first, so one transaction carries them all.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.pendingSnapshots.size > 0 || this.pendingEvents.length > 0) {
      const snapshots = [...this.pendingSnapshots];
      const events = this.pendingEvents;
      this.pendingSnapshots.clear();
      this.pendingEvents = [];
      try {
        await this.writeLock.run((manager) => write(manager, snapshots, events));
      } catch (error) {
        // Never let a storage failure stop ingestion; the next change of the machine retries.
        for (const [machineId] of snapshots) this.stored.delete(machineId);
        this.logger.error(
          `Could not store ${snapshots.length} snapshot(s) and ${events.length} event(s): ${(error as Error).message}`,
        );
      }
    }
  }
}

async function write(
  manager: EntityManager,
  snapshots: Array<[string, MachineLiveRow | null]>,
  events: MachineEventRow[],
): Promise<void> {
  const upserts = snapshots.flatMap(([, row]) => (row ? [row] : []));
  const deletions = snapshots.flatMap(([machineId, row]) => (row ? [] : [machineId]));
  if (upserts.length > 0) await manager.getRepository(MachineLiveRow).upsert(upserts, ['machineId']);
  for (const machineId of deletions) await manager.getRepository(MachineLiveRow).delete({ machineId });
  for (let i = 0; i < events.length; i += EVENTS_PER_INSERT) {
    // OR IGNORE / ON CONFLICT DO NOTHING: a redelivered msgId is already stored, which is fine.
    await manager
      .createQueryBuilder()
      .insert()
      .into(MachineEventRow)
      .values(events.slice(i, i + EVENTS_PER_INSERT))
      .orIgnore()
      .execute();
  }
}

function keyOf(row: Pick<MachineLiveRow, 'bridgeId' | 'snapshot'>): string {
  return `${row.bridgeId}\n${JSON.stringify(row.snapshot)}`;
}
