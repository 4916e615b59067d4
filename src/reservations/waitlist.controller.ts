import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, Matches } from 'class-validator';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { userIdOf, type Principal } from '../auth/principal.js';
import { MACHINE_KINDS, type MachineKind } from '../config/app-config.js';
import { ZONED } from './reservation.dto.js';
import type { WaitlistEntry } from './waitlist-entry.entity.js';
import { WaitlistService } from './waitlist.service.js';
import { isoOrNull } from '../common/instants.js';

class JoinWaitlistDto {
  @ApiProperty({ example: 'saint-ouen' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'siteId must be a site id' })
  siteId!: string;

  @ApiProperty({ enum: MACHINE_KINDS })
  @IsIn(MACHINE_KINDS)
  kind!: MachineKind;

  @ApiProperty()
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'start needs a time zone offset' })
  start!: string;
  @ApiProperty() @IsISO8601({ strict: true }) @Matches(ZONED, { message: 'end needs a time zone offset' }) end!: string;
}

const view = (entry: WaitlistEntry) => ({
  id: entry.id,
  siteId: entry.siteId,
  kind: entry.kind,
  start: isoOrNull(entry.start),
  end: isoOrNull(entry.end),
  status: entry.status,
  offer: entry.offeredMachineId
    ? { machineId: entry.offeredMachineId, start: isoOrNull(entry.offeredStart), end: isoOrNull(entry.offeredEnd) }
    : null,
  createdAt: isoOrNull(entry.createdAt),
});

@ApiTags('waiting list')
@ApiBearerAuth()
@Controller('api/v1')
export class WaitlistController {
  constructor(@Inject(WaitlistService) private readonly waitlist: WaitlistService) {}

  @Post('waitlist')
  async join(@Body() body: JoinWaitlistDto, @CurrentPrincipal() principal: Principal) {
    return view(
      await this.waitlist.join(userIdOf(principal), {
        ...body,
        start: Date.parse(body.start),
        end: Date.parse(body.end),
      }),
    );
  }

  @Get('me/waitlist')
  async mine(@CurrentPrincipal() principal: Principal) {
    return (await this.waitlist.listForMaker(userIdOf(principal))).map(view);
  }

  @Post('waitlist/:id/withdraw')
  @HttpCode(200)
  async withdraw(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return view(await this.waitlist.withdraw(id, userIdOf(principal)));
  }
}
