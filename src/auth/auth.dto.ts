import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, Length, Matches } from 'class-validator';

export class LoginDto {
  @ApiProperty({ description: 'Email or member code', example: 'SO-2041' })
  @IsString()
  @Length(1, 254)
  login!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @Length(10, 200)
  refreshToken!: string;
}

const SLUG = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export class IssueKioskDto {
  @ApiProperty({ example: 'saint-ouen' })
  @Matches(SLUG, { message: 'siteId must be a site id' })
  siteId!: string;

  @ApiProperty({ example: 'Lobby screen' })
  @IsString()
  @Length(1, 200)
  label!: string;
}

export class IssueBridgeDto {
  @ApiProperty({ example: 'so-bridge-1', description: 'The bridge’s MQTT username and id in topics.' })
  @Matches(SLUG, { message: 'bridgeId must be lower-case letters, digits, - or _ (max 64)' })
  bridgeId!: string;

  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(64)
  @Matches(SLUG, { each: true, message: 'machineIds must hold machine ids' })
  machineIds!: string[];

  @ApiProperty({ example: 'Raspberry Pi next to the printers' })
  @IsString()
  @Length(1, 200)
  label!: string;
}
