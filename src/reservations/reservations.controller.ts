import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { IsIn, IsOptional } from 'class-validator';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canManageSite, canReadSite, userIdOf, type Principal } from '../auth/principal.js';
import { NotFoundError, ValidationFailedError } from '../common/domain-error.js';
import { MACHINE_KINDS, type MachineKind } from '../config/app-config.js';
import { AvailabilityService } from './availability.service.js';
import type { Interval } from './intervals.js';
import {
  CreateReservationDto,
  MoveReservationDto,
  MyReservationsQuery,
  RangeQuery,
  toReservationView,
} from './reservation.dto.js';
import { InvalidRangeError } from './reservations.errors.js';
import { ReservationsService } from './reservations.service.js';
import { iso } from '../common/instants.js';

const DAY_MS = 86_400_000;
const MAX_AVAILABILITY_DAYS = 31;

class AvailabilityQuery extends RangeQuery {
  @IsOptional()
  @IsIn(MACHINE_KINDS)
  kind?: MachineKind;
}

export function parseRange(query: RangeQuery, maxDays: number): Interval {
  if (!query.from || !query.to)
    throw new ValidationFailedError('Give both from and to.', { field: query.from ? 'to' : 'from' });
  const range = { start: Date.parse(query.from), end: Date.parse(query.to) };
  if (!(range.end > range.start)) throw new InvalidRangeError('to must be after from.', { field: 'to' });
  if (range.end - range.start > maxDays * DAY_MS) {
    throw new InvalidRangeError(`Ask for at most ${maxDays} days at a time.`, { field: 'to' });
  }
  return range;
}

@ApiTags('reservations')
@ApiBearerAuth()
@Controller('api/v1')
export class ReservationsController {
  constructor(
    @Inject(ReservationsService) private readonly reservations: ReservationsService,
    @Inject(AvailabilityService) private readonly availability: AvailabilityService,
  ) {}

  @Post('reservations')
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retried request with the same key never books twice.',
  })
  async create(
    @Body() body: CreateReservationDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (idempotencyKey !== undefined && !/^[\x21-\x7e]{1,128}$/.test(idempotencyKey)) {
      throw new ValidationFailedError('Idempotency-Key must be 1–128 visible ASCII characters.', {
        field: 'Idempotency-Key',
      });
    }
    const { reservation, replayed } = await this.reservations.create(
      { ...body, start: Date.parse(body.start), end: Date.parse(body.end) },
      principal,
      idempotencyKey,
    );
    if (replayed) response.setHeader('Idempotent-Replayed', 'true');
    return toReservationView(reservation);
  }

  @Get('me/reservations')
  async mine(@Query() query: MyReservationsQuery, @CurrentPrincipal() principal: Principal) {
    const list = await this.reservations.listForMaker(userIdOf(principal), {
      from: query.from ? Date.parse(query.from) : undefined,
      to: query.to ? Date.parse(query.to) : undefined,
      status: query.status,
    });
    return list.map(toReservationView);
  }

  @Get('reservations/:id')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toReservationView(await this.reservations.get(id, principal));
  }

  @Post('reservations/:id/cancel')
  @HttpCode(200)
  async cancel(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toReservationView(await this.reservations.cancel(id, principal));
  }

  @Post('reservations/:id/move')
  @HttpCode(200)
  async move(@Param('id') id: string, @Body() body: MoveReservationDto, @CurrentPrincipal() principal: Principal) {
    return toReservationView(
      await this.reservations.move(id, { start: Date.parse(body.start), end: Date.parse(body.end) }, principal),
    );
  }

  @Post('reservations/:id/check-in')
  @HttpCode(200)
  async checkIn(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toReservationView(await this.reservations.checkIn(id, principal));
  }

  @Post('reservations/:id/release')
  @HttpCode(200)
  async release(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return toReservationView(await this.reservations.release(id, principal));
  }

  /** Staff see who booked; everyone else uses availability, which names nobody. */
  @Get('sites/:siteId/reservations')
  @AllowedFor('staff', 'admin')
  async forSite(@Param('siteId') siteId: string, @Query() query: RangeQuery, @CurrentPrincipal() principal: Principal) {
    if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
    return (await this.reservations.listForSite(siteId, parseRange(query, MAX_AVAILABILITY_DAYS))).map(
      toReservationView,
    );
  }

  @Get('sites/:siteId/availability')
  @AllowedFor('maker', 'staff', 'admin', 'kiosk')
  async siteAvailability(
    @Param('siteId') siteId: string,
    @Query() query: AvailabilityQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    if (!canReadSite(principal, siteId)) throw new NotFoundError('site', siteId);
    const range = parseRange(query, MAX_AVAILABILITY_DAYS);
    const machines = await this.availability.forSite(siteId, range, query.kind);
    return {
      siteId,
      from: iso(range.start),
      to: iso(range.end),
      machines: machines.map((machine) => ({
        ...machine,
        free: machine.free.map((i) => ({ start: iso(i.start), end: iso(i.end) })),
        unavailable: machine.unavailable.map((i) => ({ start: iso(i.start), end: iso(i.end), reason: i.reason })),
      })),
    };
  }
}
