import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional, Matches } from 'class-validator';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { userIdOf, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import { TrainingsService } from './trainings.service.js';
import type { UserTraining } from './user-training.entity.js';

class GrantTrainingDto {
  @ApiProperty({ example: 'fdm-basics' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'training must be a training id' })
  training!: string;

  @ApiPropertyOptional({ example: '2027-06-30T00:00:00Z' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'expiresAt must be an ISO 8601 date-time' })
  expiresAt?: string;
}

const view = (held: UserTraining) => ({
  training: held.training,
  grantedAt: new Date(held.grantedAt).toISOString(),
  expiresAt: held.expiresAt === null ? null : new Date(held.expiresAt).toISOString(),
});

@ApiTags('trainings')
@ApiBearerAuth()
@Controller('api/v1')
export class TrainingsController {
  constructor(@Inject(TrainingsService) private readonly trainings: TrainingsService) {}

  @Post('users/:userId/trainings')
  @AllowedFor('staff', 'admin')
  async grant(
    @Param('userId') userId: string,
    @Body() body: GrantTrainingDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const expiresAt = body.expiresAt ? Date.parse(body.expiresAt) : null;
    return view(await this.trainings.grant(userId, body.training, expiresAt, principal));
  }

  @Delete('users/:userId/trainings/:training')
  @AllowedFor('staff', 'admin')
  @HttpCode(204)
  async revoke(
    @Param('userId') userId: string,
    @Param('training') training: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.trainings.revoke(userId, training, principal);
  }

  @Get('users/:userId/trainings')
  async list(@Param('userId') userId: string, @CurrentPrincipal() principal: Principal) {
    const self = principal.kind === 'user' && principal.userId === userId;
    const staff = principal.kind === 'user' && principal.role !== 'maker';
    if (!self && !staff) throw new NotFoundError('account', userId);
    return (await this.trainings.heldBy(userId)).map(view);
  }

  @Get('me/trainings')
  async mine(@CurrentPrincipal() principal: Principal) {
    return (await this.trainings.heldBy(userIdOf(principal))).map(view);
  }
}
