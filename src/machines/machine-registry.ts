import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Machine, type AdminStatus } from './machine.entity.js';

export interface RegisteredMachine {
  siteId: string;
  adminStatus: AdminStatus;
}

export interface RegistryChanges {
  added: string[];
  changed: string[];
  removed: string[];
}

/**
 * Which machines exist, their site and admin status, in memory: live state is keyed by these
 * and nothing else, so an id read off the wire never becomes a map entry.
 */
@Injectable()
export class MachineRegistry {
  private readonly machines = new Map<string, RegisteredMachine>();
  private reloading: Promise<RegistryChanges> | null = null;

  constructor(@InjectRepository(Machine) private readonly repository: Repository<Machine>) {}

  get(machineId: string): RegisteredMachine | undefined {
    return this.machines.get(machineId);
  }

  has(machineId: string): boolean {
    return this.machines.has(machineId);
  }

  entries(): IterableIterator<[string, RegisteredMachine]> {
    return this.machines.entries();
  }

  get size(): number {
    return this.machines.size;
  }

  /** Staff changed the admin status: no need to wait for the next reload. */
  setAdminStatus(machineId: string, adminStatus: AdminStatus): boolean {
    const machine = this.machines.get(machineId);
    if (!machine || machine.adminStatus === adminStatus) return false;
    machine.adminStatus = adminStatus;
    return true;
  }

  /** Re-reads the machines table; concurrent callers share one query. */
  reload(): Promise<RegistryChanges> {
    this.reloading ??= this.read().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async read(): Promise<RegistryChanges> {
    const rows = await this.repository.find({ select: { id: true, siteId: true, adminStatus: true } });
    const changes: RegistryChanges = { added: [], changed: [], removed: [] };
    const present = new Set<string>();
    for (const row of rows) {
      present.add(row.id);
      const known = this.machines.get(row.id);
      if (!known) {
        this.machines.set(row.id, { siteId: row.siteId, adminStatus: row.adminStatus });
        changes.added.push(row.id);
      } else if (known.siteId !== row.siteId || known.adminStatus !== row.adminStatus) {
        Object.assign(known, { siteId: row.siteId, adminStatus: row.adminStatus });
        changes.changed.push(row.id);
      }
    }
    for (const machineId of [...this.machines.keys()]) {
      if (present.has(machineId)) continue;
      this.machines.delete(machineId);
      changes.removed.push(machineId);
    }
    return changes;
  }
}
