import { Controller, HttpCode, HttpStatus, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { MachineCommandsService, type SentCommand } from './machine-commands.service.js';

@ApiTags('machines')
@ApiBearerAuth()
@Controller('api/v1/machines')
export class MachineCommandsController {
  constructor(@Inject(MachineCommandsService) private readonly commands: MachineCommandsService) {}

  /** 202: the command is on its way; the bridge's `build_area.cleared` event and new state confirm it. */
  @Post(':machineId/clear')
  @AllowedFor('staff', 'admin')
  @HttpCode(HttpStatus.ACCEPTED)
  clear(@Param('machineId') machineId: string, @CurrentPrincipal() principal: Principal): Promise<SentCommand> {
    return this.commands.confirmClear(machineId, principal);
  }
}
