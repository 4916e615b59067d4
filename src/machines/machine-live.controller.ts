import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { JobOwners } from './job-owners.js';
import {
  mayReadJobName,
  toAlertView,
  toMachineLiveView,
  type AlertView,
  type MachineLiveView,
} from './machine-live.view.js';
import { MachineLiveService } from './machine-live.service.js';

@ApiTags('machines')
@ApiBearerAuth()
@Controller('api/v1')
export class MachineLiveController {
  constructor(
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(JobOwners) private readonly jobOwners: JobOwners,
  ) {}

  @Get('machines/:machineId/live')
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async get(@Param('machineId') machineId: string, @CurrentPrincipal() principal: Principal): Promise<MachineLiveView> {
    const live = await this.live.read(machineId, principal);
    const owner = await this.jobOwners.ownerOf(live.snapshot?.job?.jobId);
    return toMachineLiveView(live, mayReadJobName(principal, live.siteId, owner));
  }

  @Get('sites/:siteId/alerts')
  @AllowedFor('staff', 'admin')
  async alerts(@Param('siteId') siteId: string, @CurrentPrincipal() principal: Principal): Promise<AlertView[]> {
    return (await this.live.siteAlerts(siteId, principal)).map(toAlertView);
  }
}
