import { Body, Controller, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canManageSite, canReadSite, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import {
  CreateMachineDto,
  SetAdminStatusDto,
  toMachineView,
  UpdateMachineDto,
  type MachineView,
} from './machine.dto.js';
import type { Machine } from './machine.entity.js';
import { MachineLiveService } from './machine-live.service.js';
import { MachinesService } from './machines.service.js';

@ApiTags('machines')
@ApiBearerAuth()
@Controller('api/v1')
export class MachinesController {
  constructor(
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
  ) {}

  @Get('sites/:siteId/machines')
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async listBySite(@Param('siteId') siteId: string, @CurrentPrincipal() principal: Principal): Promise<MachineView[]> {
    if (!canReadSite(principal, siteId)) throw new NotFoundError('site', siteId);
    return (await this.machines.listBySite(siteId)).map((machine) => this.view(machine, principal));
  }

  @Get('machines/:machineId')
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async get(@Param('machineId') machineId: string, @CurrentPrincipal() principal: Principal): Promise<MachineView> {
    const machine = await this.machines.get(machineId);
    if (!canReadSite(principal, machine.siteId)) throw new NotFoundError('machine', machineId);
    return this.view(machine, principal);
  }

  @Post('sites/:siteId/machines')
  @AllowedFor('staff', 'admin')
  async create(
    @Param('siteId') siteId: string,
    @Body() body: CreateMachineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MachineView> {
    return this.view(await this.machines.create(siteId, body, principal), principal);
  }

  @Patch('machines/:machineId')
  @AllowedFor('staff', 'admin')
  async update(
    @Param('machineId') machineId: string,
    @Body() body: UpdateMachineDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MachineView> {
    return this.view(await this.machines.update(machineId, body, principal), principal);
  }

  @Post('machines/:machineId/status')
  @AllowedFor('staff', 'admin')
  async setStatus(
    @Param('machineId') machineId: string,
    @Body() body: SetAdminStatusDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MachineView> {
    const machine = await this.machines.setAdminStatus(machineId, body, principal);
    // `maintenance` outranks what bridges report: live state must show it now, not at the next reload.
    this.live.adminStatusChanged(machine);
    return this.view(machine, principal);
  }

  @Get('machines/:machineId/maintenance-log')
  @AllowedFor('staff', 'admin')
  async maintenanceLog(@Param('machineId') machineId: string, @CurrentPrincipal() principal: Principal) {
    return (await this.machines.maintenanceLog(machineId, principal)).map((entry) => ({
      status: entry.status,
      reason: entry.reason,
      changedBy: entry.changedBy,
      at: new Date(entry.at).toISOString(),
    }));
  }

  /**
   * Staff's own note on a machine out of service stays with staff (it may name a person or a
   * supplier); makers and kiosks read the public reason instead.
   */
  private view(machine: Machine, principal: Principal): MachineView {
    const view = toMachineView(machine, this.machines.requiredTraining(machine.kind));
    return canManageSite(principal, machine.siteId) ? view : { ...view, adminStatusReason: null };
  }
}
