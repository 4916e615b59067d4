import { Body, Controller, Inject, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { SetTagsDto } from '../users/people.dto.js';
import { ReservationTagsService } from './reservation-tags.service.js';

@ApiTags('reservations')
@ApiBearerAuth()
@AllowedFor('staff', 'admin')
@Controller('api/v1/reservations')
export class ReservationTagsController {
  constructor(@Inject(ReservationTagsService) private readonly tags: ReservationTagsService) {}

  @Put(':id/tags')
  async setTags(
    @Param('id') id: string,
    @Body() body: SetTagsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ id: string; siteId: string; tags: string[] }> {
    const reservation = await this.tags.setTags(id, body.tags, principal);
    return { id: reservation.id, siteId: reservation.siteId, tags: reservation.tags };
  }
}
