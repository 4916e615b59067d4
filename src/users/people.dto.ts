import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { AGE_BANDS, DECLARED_STATUSES, TAG, type AgeBand, type DeclaredStatus } from './people.rules.js';
import type { User } from './user.entity.js';

const LOCALE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

export class SetTagsDto {
  @ApiProperty({ type: [String], example: ['prequal-2026'] })
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(TAG, { each: true, message: 'tags must be 1–48 letters, digits, spaces, _ . : or -' })
  tags!: string[];
}

export class ProfileDto {
  @ApiProperty({ description: 'Without consent nothing below is kept, and what was kept is erased.' })
  @IsBoolean()
  consent!: boolean;

  @ApiPropertyOptional({ enum: AGE_BANDS })
  @IsOptional()
  @IsIn(AGE_BANDS)
  ageBand?: AgeBand;

  @ApiPropertyOptional({ enum: DECLARED_STATUSES })
  @IsOptional()
  @IsIn(DECLARED_STATUSES)
  status?: DeclaredStatus;

  @ApiPropertyOptional({ description: 'In your own words, or leave it out.' })
  @IsOptional()
  @IsString()
  @MaxLength(60)
  gender?: string;
}

export class UpdateMeDto {
  @ApiProperty({ example: 'ar' })
  @Matches(LOCALE, { message: 'locale must look like fr, en or ar' })
  locale!: string;
}

export class CreateDeskMakerDto {
  @ApiProperty({ example: 'Awa Ndiaye' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ example: 'fr' })
  @IsOptional()
  @Matches(LOCALE, { message: 'locale must look like fr, en or ar' })
  locale?: string;
}

export class SearchMakersQuery {
  @ApiPropertyOptional({ description: 'Part of a name or a member code.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;
}

export interface ProfileView {
  consent: boolean;
  ageBand?: AgeBand;
  status?: DeclaredStatus;
  gender?: string;
}

export function toProfileView(user: User): ProfileView {
  return user.declared === null ? { consent: false } : { consent: true, ...user.declared };
}

/** What staff see when they look a maker up at the desk: never a password hash or an email. */
export interface MakerLookupView {
  id: string;
  displayName: string;
  memberCode: string | null;
  locale: string | null;
  tags: string[];
  active: boolean;
}

export function toMakerLookupView(user: User): MakerLookupView {
  return {
    id: user.id,
    displayName: user.displayName,
    memberCode: user.memberCode,
    locale: user.locale,
    tags: user.tags,
    active: user.active,
  };
}
