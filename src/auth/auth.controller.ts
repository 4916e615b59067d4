import { Body, Controller, Get, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { toUserView, type UserView } from '../users/user.dto.js';
import { UsersService } from '../users/users.service.js';
import { AllowedFor, CurrentPrincipal, Public } from './auth.decorators.js';
import { IssueBridgeDto, IssueKioskDto, LoginDto, RefreshDto } from './auth.dto.js';
import { AuthService, type Session } from './auth.service.js';
import type { DeviceCredential } from './device-credential.entity.js';
import { DeviceCredentialsService } from './device-credentials.service.js';
import { userIdOf, type Principal } from './principal.js';

const sessionView = (session: Session) => ({
  accessToken: session.accessToken,
  tokenType: 'Bearer',
  expiresIn: session.expiresIn,
  refreshToken: session.refreshToken,
  user: toUserView(session.user),
});

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() request: Request) {
    return sessionView(await this.auth.login(body.login, body.password, request.ip ?? 'unknown'));
  }

  @Public()
  @Post('auth/refresh')
  @HttpCode(200)
  async refresh(@Body() body: RefreshDto) {
    return sessionView(await this.auth.refresh(body.refreshToken));
  }

  @ApiBearerAuth()
  @Get('me')
  async me(@CurrentPrincipal() principal: Principal): Promise<UserView> {
    return toUserView(await this.users.get(userIdOf(principal)));
  }
}

const credentialView = (credential: DeviceCredential) => ({
  id: credential.id,
  kind: credential.kind,
  label: credential.label,
  siteId: credential.siteId,
  bridgeId: credential.bridgeId,
  machineIds: credential.machineIds,
  createdAt: new Date(credential.createdAt).toISOString(),
  revokedAt: credential.revokedAt === null ? null : new Date(credential.revokedAt).toISOString(),
});

@ApiTags('devices')
@ApiBearerAuth()
@AllowedFor('admin')
@Controller('api/v1/devices')
export class DevicesController {
  constructor(@Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService) {}

  @Post('kiosks')
  async issueKiosk(@Body() body: IssueKioskDto, @CurrentPrincipal() principal: Principal) {
    const { credential, secret } = await this.devices.issueKiosk(body.siteId, body.label, userIdOf(principal));
    return { ...credentialView(credential), token: secret };
  }

  @Post('bridges')
  async issueBridge(@Body() body: IssueBridgeDto, @CurrentPrincipal() principal: Principal) {
    const { credential, secret } = await this.devices.issueBridge(
      body.bridgeId,
      body.machineIds,
      body.label,
      userIdOf(principal),
    );
    return { ...credentialView(credential), mqttUsername: credential.bridgeId, mqttPassword: secret };
  }

  @Get()
  async list() {
    return (await this.devices.list()).map(credentialView);
  }

  @Post(':credentialId/revoke')
  @HttpCode(200)
  async revoke(@Param('credentialId') id: string) {
    return credentialView(await this.devices.revoke(id));
  }
}
