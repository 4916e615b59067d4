import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Reservation, ReservationStatus } from './reservation.entity.js';
import { iso } from '../common/instants.js';

const ISO = { strict: true, strictSeparator: true };
const ISO_MESSAGE = (field: string) =>
  `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-11-24T14:00:00+01:00`;
/** An explicit offset or Z: a bare local time would be read in the server's zone, not the site's. */
export const ZONED = /(Z|[+-]\d{2}:\d{2})$/;

export class CreateReservationDto {
  @ApiProperty({ example: 'so-prusa-mk4-1' })
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'machineId must be a machine id' })
  machineId!: string;

  @ApiProperty({ example: '2026-11-24T14:00:00+01:00' })
  @IsISO8601(ISO, { message: ISO_MESSAGE('start') })
  @Matches(ZONED, { message: ISO_MESSAGE('start') })
  start!: string;

  @ApiProperty({ example: '2026-11-24T16:00:00+01:00' })
  @IsISO8601(ISO, { message: ISO_MESSAGE('end') })
  @Matches(ZONED, { message: ISO_MESSAGE('end') })
  end!: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  note?: string;

  @ApiPropertyOptional({ description: 'Staff only: book on behalf of this maker.' })
  @IsOptional()
  @IsString()
  @Length(36, 36, { message: 'makerId must be an account id' })
  makerId?: string;

  @ApiPropertyOptional({ description: 'Staff only: book past the policy, saying why (kept in the audit log).' })
  @IsOptional()
  @IsString()
  @Length(3, 500, { message: 'overrideReason must say why, in 3 to 500 characters' })
  overrideReason?: string;
}

export class MoveReservationDto {
  @ApiProperty()
  @IsISO8601(ISO, { message: ISO_MESSAGE('start') })
  @Matches(ZONED, { message: ISO_MESSAGE('start') })
  start!: string;

  @ApiProperty()
  @IsISO8601(ISO, { message: ISO_MESSAGE('end') })
  @Matches(ZONED, { message: ISO_MESSAGE('end') })
  end!: string;
}

export class RangeQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601(ISO, { message: ISO_MESSAGE('from') })
  @Matches(ZONED, { message: ISO_MESSAGE('from') })
  from?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsISO8601(ISO, { message: ISO_MESSAGE('to') })
  @Matches(ZONED, { message: ISO_MESSAGE('to') })
  to?: string;
}

export class MyReservationsQuery extends RangeQuery {
  @IsOptional()
  @IsIn(['active', 'completed', 'cancelled', 'no_show'])
  status?: ReservationStatus;
}

export interface ReservationView {
  id: string;
  machineId: string;
  siteId: string;
  makerId: string;
  start: string;
  end: string;
  status: ReservationStatus;
  checkedInAt: string | null;
  note: string | null;
  overrideReason: string | null;
  cancelCutoffMinutes: number;
  checkInGraceMinutes: number;
  createdAt: string;
}

export function toReservationView(reservation: Reservation): ReservationView {
  return {
    id: reservation.id,
    machineId: reservation.machineId,
    siteId: reservation.siteId,
    makerId: reservation.makerId,
    start: iso(reservation.start),
    end: iso(reservation.end),
    status: reservation.status,
    checkedInAt: reservation.checkedInAt === null ? null : iso(reservation.checkedInAt),
    note: reservation.note,
    overrideReason: reservation.overrideReason,
    cancelCutoffMinutes: reservation.policy.cancelCutoffMinutes,
    checkInGraceMinutes: reservation.policy.checkInGraceMinutes,
    createdAt: iso(reservation.createdAt),
  };
}
