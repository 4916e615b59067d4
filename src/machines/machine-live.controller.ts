import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { audienceOf, type Principal } from '../auth/principal.js';
import { toAlertView, toMachineLiveView, type AlertView, type MachineLiveView } from './machine-live.view.js';
import { MachineLiveService } from './machine-live.service.js';

@ApiTags('machines')
@ApiBearerAuth()
@Controller('api/v1')
export class MachineLiveController {
  constructor(@Inject(MachineLiveService) private readonly live: MachineLiveService) {}

  @Get('machines/:machineId/live')
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async get(@Param('machineId') machineId: string, @CurrentPrincipal() principal: Principal): Promise<MachineLiveView> {
    return toMachineLiveView(await this.live.read(machineId, principal), audienceOf(principal));
  }

  @Get('sites/:siteId/alerts')
  @AllowedFor('staff', 'admin')
  async alerts(@Param('siteId') siteId: string, @CurrentPrincipal() principal: Principal): Promise<AlertView[]> {
    return (await this.live.siteAlerts(siteId, principal)).map(toAlertView);
  }
}
