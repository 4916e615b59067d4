import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, Length, Matches } from 'class-validator';
import { isoOrNull } from '../common/instants.js';
import { MACHINE_KINDS, type MachineKind } from '../config/app-config.js';
import { ADMIN_STATUSES, type AdminStatus, type Machine } from './machine.entity.js';

export class CreateMachineDto {
  @ApiPropertyOptional({ description: 'Lower-case slug; generated when absent.', example: 'so-prusa-mk4-3' })
  @IsOptional()
  @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'id must be lower-case letters, digits, - or _ (max 64)' })
  id?: string;

  @ApiProperty({ example: 'Prusa MK4 n°3' })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiProperty({ enum: MACHINE_KINDS })
  @IsIn(MACHINE_KINDS)
  kind!: MachineKind;

  @IsOptional() @IsString() @Length(1, 200) vendor?: string;
  @IsOptional() @IsString() @Length(1, 200) model?: string;

  @ApiPropertyOptional({ example: { buildVolumeMm: [250, 210, 220], nozzleMm: 0.4 } })
  @IsOptional()
  @IsObject()
  capabilities?: Record<string, unknown>;
}

export class UpdateMachineDto {
  @IsOptional() @IsString() @Length(1, 200) name?: string;
  @IsOptional() @IsString() @Length(1, 200) vendor?: string;
  @IsOptional() @IsString() @Length(1, 200) model?: string;
  @IsOptional() @IsObject() capabilities?: Record<string, unknown>;
}

export class SetAdminStatusDto {
  @ApiProperty({ enum: ADMIN_STATUSES })
  @IsIn(ADMIN_STATUSES)
  status!: AdminStatus;

  @ApiPropertyOptional({
    description: 'Required for maintenance and retired.',
    example: 'Nozzle clogged, waiting for a spare',
  })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  @ApiPropertyOptional({
    description:
      "Shown on the lobby kiosk and in the makers' app while the machine is out of service: no names, " +
      'email addresses or phone numbers (refused).',
    example: 'New nozzle fitted, being tested',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  publicReason?: string;

  @ApiPropertyOptional({
    description: 'Maintenance only: when staff expect the machine back, shown with the public reason.',
    example: '2026-11-26T14:00:00+01:00',
  })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true }, { message: 'expectedBackAt must be an ISO 8601 date-time' })
  @Matches(/(Z|[+-]\d{2}:\d{2})$/, { message: 'expectedBackAt needs a time zone, e.g. 2026-11-26T14:00:00+01:00' })
  expectedBackAt?: string;
}

export interface MachineView {
  id: string;
  siteId: string;
  name: string;
  kind: MachineKind;
  vendor: string | null;
  model: string | null;
  capabilities: Record<string, unknown>;
  adminStatus: AdminStatus;
  adminStatusReason: string | null;
  publicReason: string | null;
  expectedBackAt: string | null;
  requiredTraining: string | null;
}

export function toMachineView(machine: Machine, requiredTraining: string | null): MachineView {
  return {
    id: machine.id,
    siteId: machine.siteId,
    name: machine.name,
    kind: machine.kind,
    vendor: machine.vendor,
    model: machine.model,
    capabilities: machine.capabilities,
    adminStatus: machine.adminStatus,
    adminStatusReason: machine.adminStatusReason,
    publicReason: machine.publicReason,
    expectedBackAt: isoOrNull(machine.expectedBackAt),
    requiredTraining,
  };
}
