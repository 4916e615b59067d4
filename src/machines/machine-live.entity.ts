import { Column, Entity, Index, PrimaryColumn, type ColumnOptions } from 'typeorm';
import type { BridgeMachineState, EventEnvelope, EventType, MachineStateSnapshot } from '@fabrique/firmware-bridge';
import { epochMs, json } from '../database/columns.js';

/**
 * Session and seq are counters up to 2^53 (a bridge may use wall time as its session): BIGINT,
 * which PostgreSQL returns as a string.
 */
const counter = (): ColumnOptions => ({
  type: 'bigint',
  transformer: { to: (value: number) => value, from: (value: string | number) => Number(value) },
});

/**
 * The latest full snapshot of each machine, written only when it changes (not on heartbeats).
 * It is what a restarted service and the job reconciliation start from; the live view itself is
 * kept in memory.
 */
@Entity('machine_live')
export class MachineLiveRow {
  @PrimaryColumn({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ name: 'bridge_id', type: 'varchar', length: 64 })
  bridgeId!: string;

  @Column({ type: 'varchar', length: 32 })
  state!: BridgeMachineState;

  @Column(json())
  snapshot!: MachineStateSnapshot;

  /** The bridge's own timestamp of the snapshot. */
  @Column(epochMs({ name: 'reported_at' }))
  reportedAt!: number;

  @Column(epochMs({ name: 'received_at' }))
  receivedAt!: number;
}

/** Edge events from bridges, once each: `msgId` is the dedupe key (firmware-bridge/CONTRACT.md "Envelope"). */
@Entity('machine_events')
@Index(['machineId', 'receivedAt'])
export class MachineEventRow {
  @PrimaryColumn({ name: 'msg_id', type: 'varchar', length: 36 })
  msgId!: string;

  @Column({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ name: 'bridge_id', type: 'varchar', length: 64 })
  bridgeId!: string;

  @Column({ type: 'varchar', length: 32 })
  type!: EventType;

  @Column(counter())
  session!: number;

  @Column(counter())
  seq!: number;

  @Column(epochMs({ name: 'reported_at' }))
  reportedAt!: number;

  @Column(epochMs({ name: 'received_at' }))
  receivedAt!: number;

  @Column(json())
  data!: EventEnvelope['data'];
}
