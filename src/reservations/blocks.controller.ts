import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Matches,
  ValidateNested,
} from 'class-validator';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canReadSite, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import { MACHINE_KINDS, type MachineKind } from '../config/app-config.js';
import { WEEKDAYS, type Weekday } from '../sites/opening-hours.rules.js';
import { BLOCK_CATEGORIES, type Block, type BlockCategory } from './block.entity.js';
import { BlocksService } from './blocks.service.js';
import { toReservationView, ZONED } from './reservation.dto.js';
import { isoOrNull } from '../common/instants.js';

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;

class WeeklyPatternDto {
  @ApiProperty({ example: ['tue'] })
  @IsArray()
  @ArrayMinSize(1)
  @IsIn(WEEKDAYS, { each: true })
  days!: Weekday[];

  @ApiProperty({ example: '14:00' }) @Matches(HHMM, { message: 'from must be a time HH:mm' }) from!: string;
  @ApiProperty({ example: '18:00' }) @Matches(HHMM, { message: 'to must be a time HH:mm' }) to!: string;
  @ApiProperty({ example: '2026-12-01' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'startDate must be YYYY-MM-DD' })
  startDate!: string;
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'untilDate must be YYYY-MM-DD' })
  untilDate?: string;
}

class CreateBlockDto {
  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { each: true, message: 'machineIds must hold machine ids' })
  machineIds?: string[];

  @ApiPropertyOptional({ enum: MACHINE_KINDS, description: 'Block every machine of this kind at the site.' })
  @IsOptional()
  @IsIn(MACHINE_KINDS)
  kind?: MachineKind;

  @ApiProperty({ example: 'Embroidery workshop for beginners' })
  @IsString()
  @Length(3, 500)
  reason!: string;

  @ApiProperty({ enum: BLOCK_CATEGORIES })
  @IsIn(BLOCK_CATEGORIES)
  category!: BlockCategory;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'start needs a time zone offset' })
  start?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(ZONED, { message: 'end needs a time zone offset' })
  end?: string;

  @ApiPropertyOptional({ type: WeeklyPatternDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => WeeklyPatternDto)
  weekly?: WeeklyPatternDto;
}

const blockView = (block: Block) => ({
  id: block.id,
  siteId: block.siteId,
  machineIds: block.machineIds,
  reason: block.reason,
  category: block.category,
  start: isoOrNull(block.start),
  end: isoOrNull(block.end),
  weekly: block.weekly,
  createdAt: isoOrNull(block.createdAt),
});

@ApiTags('blocks')
@ApiBearerAuth()
@Controller('api/v1/sites/:siteId/blocks')
export class BlocksController {
  constructor(@Inject(BlocksService) private readonly blocks: BlocksService) {}

  /** Creates the block and lists the reservations it lands on, for staff to resolve. */
  @Post()
  @AllowedFor('staff', 'admin')
  async create(
    @Param('siteId') siteId: string,
    @Body() body: CreateBlockDto,
    @CurrentPrincipal() principal: Principal,
  ) {
    const { block, conflicts } = await this.blocks.create(
      siteId,
      {
        ...body,
        start: body.start ? Date.parse(body.start) : undefined,
        end: body.end ? Date.parse(body.end) : undefined,
      },
      principal,
    );
    return {
      ...blockView(block),
      conflicts: conflicts.map(({ reservation, occurrence }) => ({
        reservation: toReservationView(reservation),
        occurrence: { start: isoOrNull(occurrence.start), end: isoOrNull(occurrence.end) },
      })),
    };
  }

  @Get()
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async list(@Param('siteId') siteId: string, @CurrentPrincipal() principal: Principal) {
    if (!canReadSite(principal, siteId)) throw new NotFoundError('site', siteId);
    return (await this.blocks.list(siteId)).map(blockView);
  }

  @Post(':blockId/cancel')
  @AllowedFor('staff', 'admin')
  @HttpCode(200)
  async cancel(
    @Param('siteId') siteId: string,
    @Param('blockId') blockId: string,
    @CurrentPrincipal() principal: Principal,
  ) {
    return blockView(await this.blocks.cancel(siteId, blockId, principal));
  }
}
