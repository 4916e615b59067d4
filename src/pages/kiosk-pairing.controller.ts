import { Body, Controller, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Request } from 'express';
import { AllowedFor, CurrentPrincipal, Public } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { KioskPairingService } from './kiosk-pairing.service.js';

class CreatePairingDto {
  @ApiPropertyOptional({ example: 'Lobby TV, ground floor' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;
}

class PairKioskDto {
  @ApiProperty({ example: '042917' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown to staff' })
  code!: string;

  @ApiProperty({ example: 'saint-ouen' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'siteId must be a site id' })
  siteId!: string;
}

@ApiTags('devices')
@Controller()
export class KioskPairingController {
  constructor(@Inject(KioskPairingService) private readonly pairing: KioskPairingService) {}

  /** A 6-digit code, valid 10 minutes and once, that a lobby screen of this site exchanges for its token. */
  @ApiBearerAuth()
  @Post('api/v1/sites/:siteId/kiosk-pairing')
  @AllowedFor('staff', 'admin')
  createCode(
    @Param('siteId') siteId: string,
    @Body() body: CreatePairingDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    return this.pairing.createCode(siteId, body.label, principal);
  }

  /** Called by the kiosk page: the answer's token is shown to nobody, the screen keeps it. */
  @Public()
  @Post('kiosk/pair')
  @HttpCode(200)
  pair(@Body() body: PairKioskDto, @Req() request: Request) {
    return this.pairing.pair(body.code, body.siteId, request.ip ?? 'unknown');
  }
}
