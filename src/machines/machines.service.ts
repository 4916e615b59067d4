import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import { canManageSite, type Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { mergeDeclared } from '../common/declared.rules.js';
import { NotFoundError } from '../common/domain-error.js';
import type { AppConfig, MachineConfig, MachineKind } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { WriteLock } from '../database/write-lock.js';
import { SitesService } from '../sites/sites.service.js';
import type { CreateMachineDto, SetAdminStatusDto, UpdateMachineDto } from './machine.dto.js';
import { Machine } from './machine.entity.js';
import { MaintenanceLogEntry } from './maintenance-log.entity.js';
import { MachineExistsError, MaintenanceNoticeRefusedError, StatusReasonRequiredError } from './machines.errors.js';
import { maintenanceNotice } from './maintenance-notice.rules.js';

type DeclaredMachine = Pick<Machine, 'siteId' | 'name' | 'kind' | 'vendor' | 'model' | 'capabilities'>;

@Injectable()
export class MachinesService implements OnModuleInit {
  private readonly logger = new Logger(MachinesService.name);

  constructor(
    @InjectRepository(Machine) private readonly machines: Repository<Machine>,
    @InjectRepository(MaintenanceLogEntry) private readonly log: Repository<MaintenanceLogEntry>,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Brings config-declared sites and machines into the database, keeping staff edits. */
  async onModuleInit(): Promise<void> {
    await this.writeLock.run(async (manager) => {
      for (const site of this.config.sites) {
        await this.sites.applyDeclared(manager, site);
        for (const machine of site.machines) await this.applyDeclared(manager, site.id, machine);
      }
    });
  }

  requiredTraining(kind: MachineKind): string | null {
    return this.config.machineKinds[kind]?.training ?? null;
  }

  async listBySite(siteId: string): Promise<Machine[]> {
    await this.sites.get(siteId);
    return this.machines.find({ where: { siteId }, order: { name: 'ASC' } });
  }

  async get(machineId: string): Promise<Machine> {
    const machine = await this.machines.findOneBy({ id: machineId });
    if (!machine) throw new NotFoundError('machine', machineId);
    return machine;
  }

  /** A machine the caller may change; one of another site reads as absent. */
  async getManaged(machineId: string, principal: Principal): Promise<Machine> {
    const machine = await this.get(machineId);
    if (!canManageSite(principal, machine.siteId)) throw new NotFoundError('machine', machineId);
    return machine;
  }

  async create(siteId: string, input: CreateMachineDto, principal: Principal): Promise<Machine> {
    if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
    await this.sites.get(siteId);
    const id = input.id ?? randomUUID();
    return this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(Machine);
      if (await repository.existsBy({ id })) {
        throw new MachineExistsError(`A machine with id '${id}' already exists.`, { field: 'id' });
      }
      const now = this.clock.now();
      return repository.save({
        id,
        siteId,
        name: input.name.trim(),
        kind: input.kind,
        vendor: input.vendor ?? null,
        model: input.model ?? null,
        capabilities: input.capabilities ?? {},
        adminStatus: 'active',
        adminStatusReason: null,
        publicReason: null,
        expectedBackAt: null,
        declared: null,
        createdAt: now,
        updatedAt: now,
      });
    });
  }

  async update(machineId: string, input: UpdateMachineDto, principal: Principal): Promise<Machine> {
    await this.getManaged(machineId, principal);
    return this.writeLock.run(async (manager) => {
      const repository = manager.getRepository(Machine);
      const machine = await repository.findOneByOrFail({ id: machineId });
      return repository.save({ ...machine, ...input, updatedAt: this.clock.now() });
    });
  }

  async setAdminStatus(machineId: string, input: SetAdminStatusDto, principal: Principal): Promise<Machine> {
    await this.getManaged(machineId, principal);
    if (input.status !== 'active' && !input.reason) {
      throw new StatusReasonRequiredError(`Say why the machine goes to ${input.status}, so others know.`, {
        field: 'reason',
      });
    }
    const notice = maintenanceNotice(input, this.clock.now());
    if ('why' in notice) throw new MaintenanceNoticeRefusedError(notice.why, { field: notice.field });
    return this.writeLock.run(async (manager) => {
      const machine = await manager.getRepository(Machine).findOneByOrFail({ id: machineId });
      const now = this.clock.now();
      const reason = input.reason ?? null;
      await manager.getRepository(MaintenanceLogEntry).insert({
        id: randomUUID(),
        machineId,
        status: input.status,
        reason,
        changedBy: principal.kind === 'user' ? principal.userId : null,
        at: now,
      });
      return manager
        .getRepository(Machine)
        .save({ ...machine, ...notice, adminStatus: input.status, adminStatusReason: reason, updatedAt: now });
    });
  }

  async maintenanceLog(machineId: string, principal: Principal): Promise<MaintenanceLogEntry[]> {
    await this.getManaged(machineId, principal);
    return this.log.find({ where: { machineId }, order: { at: 'DESC' } });
  }

  private async applyDeclared(manager: EntityManager, siteId: string, declared: MachineConfig): Promise<void> {
    const repository = manager.getRepository(Machine);
    const values: DeclaredMachine = {
      siteId,
      name: declared.name,
      kind: declared.kind,
      vendor: declared.vendor ?? null,
      model: declared.model ?? null,
      capabilities: declared.capabilities,
    };
    const now = this.clock.now();
    const stored = await repository.findOneBy({ id: declared.id });
    const record = { ...values } as Record<string, unknown>;
    if (!stored) {
      await repository.save({
        id: declared.id,
        ...values,
        adminStatus: 'active',
        adminStatusReason: null,
        publicReason: null,
        expectedBackAt: null,
        declared: record,
        createdAt: now,
        updatedAt: now,
      });
      return;
    }
    if (stored.siteId !== siteId) {
      this.logger.warn(`Machine ${declared.id} moved from site ${stored.siteId} to ${siteId} in config`);
    }
    const { merged } = mergeDeclared<DeclaredMachine>(
      stored,
      values,
      stored.declared as Partial<DeclaredMachine> | null,
    );
    await repository.save({ ...stored, ...merged, declared: record, updatedAt: now });
  }
}
