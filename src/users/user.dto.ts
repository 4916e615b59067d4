import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { ROLES, type Role, type User } from './user.entity.js';

const MEMBER_CODE = /^[A-Za-z0-9-]{4,32}$/;
const SITE_ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class CreateUserDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiProperty({ example: 'Awa Ndiaye' })
  @IsString()
  @Length(1, 200)
  displayName!: string;

  @ApiPropertyOptional({ description: 'Either an email or a member code is needed to sign in.' })
  @IsOptional()
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional({ example: 'SO-2041', description: 'Letters, digits and dashes, 4–32.' })
  @IsOptional()
  @Matches(MEMBER_CODE, { message: 'memberCode must be 4–32 letters, digits or dashes' })
  memberCode?: string;

  @ApiProperty({ minLength: 8 })
  @IsString()
  @Length(8, 200, { message: 'password must be at least 8 characters' })
  password!: string;

  @ApiPropertyOptional({ type: [String], description: 'Sites a staff member runs.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(SITE_ID, { each: true, message: 'siteIds must hold site ids' })
  siteIds?: string[];

  @ApiPropertyOptional({ example: 'fr' })
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: 'locale must look like fr, en or ar' })
  locale?: string;
}

export class UpdateUserDto {
  @IsOptional() @IsIn(ROLES) role?: Role;
  @IsOptional() @IsString() @Length(1, 200) displayName?: string;
  @IsOptional() @IsEmail({}, { message: 'email must be an email address' }) @MaxLength(254) email?: string;
  @IsOptional()
  @Matches(MEMBER_CODE, { message: 'memberCode must be 4–32 letters, digits or dashes' })
  memberCode?: string;
  @IsOptional() @IsString() @Length(8, 200, { message: 'password must be at least 8 characters' }) password?: string;
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(SITE_ID, { each: true, message: 'siteIds must hold site ids' })
  siteIds?: string[];
  @IsOptional() @Matches(/^[a-z]{2,3}(-[A-Z]{2})?$/, { message: 'locale must look like fr, en or ar' }) locale?: string;
  @IsOptional() @IsBoolean() active?: boolean;
}

/** What the API shows of an account: never the password hash. */
export interface UserView {
  id: string;
  role: Role;
  displayName: string;
  email: string | null;
  memberCode: string | null;
  siteIds: string[];
  locale: string | null;
  active: boolean;
  noShowCount: number;
  /** Programme / cohort tags staff put on the account. */
  tags: string[];
  /** Set once the person's data was erased (the row stays, anonymised, for the statistics). */
  deletedAt: string | null;
  createdAt: string;
}

export function toUserView(user: User): UserView {
  return {
    id: user.id,
    role: user.role,
    displayName: user.displayName,
    email: user.email,
    memberCode: user.memberCode,
    siteIds: user.siteIds,
    locale: user.locale,
    active: user.active,
    noShowCount: user.noShowCount,
    tags: user.tags,
    deletedAt: user.deletedAt === null ? null : new Date(user.deletedAt).toISOString(),
    createdAt: new Date(user.createdAt).toISOString(),
  };
}
