import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { JOB_STATES, type JobState } from './job-state.rules.js';

const MACHINE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** Multipart fields next to `file`. */
export class UploadJobDto {
  @ApiProperty({ example: 'saint-ouen' })
  @Matches(MACHINE_ID, { message: 'siteId must be a site id' })
  siteId!: string;

  @ApiPropertyOptional({ description: 'Staff only: the job is for this maker (a print request).' })
  @IsOptional()
  @Length(36, 36, { message: 'makerId must be an account id' })
  makerId?: string;

  @ApiPropertyOptional({ description: 'A name to show instead of the file name.', maxLength: 120 })
  @IsOptional()
  @IsString()
  @Length(1, 120)
  name?: string;
}

export class JobNeedsDto {
  @ApiPropertyOptional({ example: 'PETG' })
  @IsOptional()
  @IsString()
  @Matches(/^[\p{L}\p{N}][\p{L}\p{N} ._+-]{0,39}$/u, {
    message: 'material must be a material name (up to 40 characters)',
  })
  material?: string;

  @ApiPropertyOptional({ example: 0.4 })
  @IsOptional()
  @IsNumber({}, { message: 'nozzleMm must be a number' })
  @Min(0.1)
  @Max(2)
  nozzleMm?: number;

  @ApiPropertyOptional({ example: [120, 80, 40], description: 'The print’s size, x, y, z in mm.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(3)
  @ArrayMaxSize(3)
  @IsNumber({}, { each: true, message: 'buildVolumeMm must be three numbers' })
  @Min(1, { each: true })
  @Max(5000, { each: true })
  buildVolumeMm?: [number, number, number];
}

export class QueueJobDto {
  @ApiPropertyOptional({ description: 'Run on this machine only. Absent: the first matching machine of the site.' })
  @IsOptional()
  @Matches(MACHINE_ID, { message: 'machineId must be a machine id' })
  machineId?: string;

  @ApiPropertyOptional({ description: 'Run inside this booking of the maker (on its machine, during it).' })
  @IsOptional()
  @Length(36, 36, { message: 'reservationId must be a reservation id' })
  reservationId?: string;

  @ApiPropertyOptional({ type: JobNeedsDto, description: 'Replaces what the file asks for (material, nozzle).' })
  @IsOptional()
  @ValidateNested()
  @Type(() => JobNeedsDto)
  needs?: JobNeedsDto;

  @ApiPropertyOptional({ description: 'Staff only: ahead of makers’ jobs.' })
  @IsOptional()
  @IsBoolean()
  staffPriority?: boolean;
}

export class ReorderJobDto {
  @ApiProperty({ nullable: true, description: 'Put the job just before this one; null puts it last.' })
  @IsOptional()
  @Length(36, 36, { message: 'beforeJobId must be a job id' })
  beforeJobId!: string | null;
}

export const JOB_LIST_STATES = [...JOB_STATES, 'active', 'ended'] as const;

export class JobListQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(MACHINE_ID, { message: 'siteId must be a site id' })
  siteId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(MACHINE_ID, { message: 'machineId must be a machine id' })
  machineId?: string;

  @ApiPropertyOptional({ description: 'Staff: one maker’s jobs; "me" for your own.' })
  @IsOptional()
  @Matches(/^(me|[0-9a-f-]{36})$/, { message: 'makerId must be an account id or "me"' })
  makerId?: string;

  @ApiPropertyOptional({ enum: JOB_LIST_STATES })
  @IsOptional()
  @IsIn(JOB_LIST_STATES)
  state?: JobState | 'active' | 'ended';

  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'Created before (ISO 8601).' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}

export class ConfirmStepDto {
  @ApiProperty({ description: 'The intervention the machine raised (from its live state), e.g. a colour change.' })
  @IsString()
  @Length(1, 128)
  interventionId!: string;
}
