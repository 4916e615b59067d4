import { Column, Entity, PrimaryColumn } from 'typeorm';

/** How much longer (or shorter) than their estimates a machine's jobs really take. */
@Entity('machine_duration_ratios')
export class MachineDurationRatio {
  @PrimaryColumn({ name: 'machine_id', type: 'varchar', length: 64 })
  machineId!: string;

  @Column({ type: 'double precision' })
  ratio!: number;

  @Column({ type: 'integer' })
  samples!: number;
}
