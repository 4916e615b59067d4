import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canManageSite, userIdOf, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import { AccountErasureService } from './account-erasure.service.js';
import {
  CreateDeskMakerDto,
  ProfileDto,
  SearchMakersQuery,
  SetTagsDto,
  toMakerLookupView,
  toProfileView,
  UpdateMeDto,
  type MakerLookupView,
  type ProfileView,
} from './people.dto.js';
import { PeopleService } from './people.service.js';
import { toUserView, type UserView } from './user.dto.js';

/** Staff of another site get the same 404 as for a site that does not exist. */
function assertRunsSite(principal: Principal, siteId: string): void {
  if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
}

@ApiTags('people')
@ApiBearerAuth()
@Controller('api/v1')
export class PeopleController {
  constructor(
    @Inject(PeopleService) private readonly people: PeopleService,
    @Inject(AccountErasureService) private readonly erasure: AccountErasureService,
  ) {}

  @Get('me/profile')
  async profile(@CurrentPrincipal() principal: Principal): Promise<ProfileView> {
    return toProfileView(await this.people.profile(userIdOf(principal)));
  }

  @Put('me/profile')
  async setProfile(@Body() body: ProfileDto, @CurrentPrincipal() principal: Principal): Promise<ProfileView> {
    return toProfileView(await this.people.setProfile(userIdOf(principal), body));
  }

  @Patch('me')
  async updateMe(@Body() body: UpdateMeDto, @CurrentPrincipal() principal: Principal): Promise<UserView> {
    return toUserView(await this.people.setLocale(userIdOf(principal), body.locale));
  }

  @Delete('me')
  @HttpCode(204)
  async deleteMe(@CurrentPrincipal() principal: Principal): Promise<void> {
    const userId = userIdOf(principal);
    await this.erasure.erase(userId, userId, true);
  }

  @AllowedFor('admin')
  @Delete('users/:userId')
  @HttpCode(204)
  async deleteUser(@Param('userId') userId: string, @CurrentPrincipal() principal: Principal): Promise<void> {
    await this.erasure.erase(userId, userIdOf(principal), false);
  }

  @AllowedFor('staff', 'admin')
  @Put('users/:userId/tags')
  async setTags(
    @Param('userId') userId: string,
    @Body() body: SetTagsDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserView> {
    return toUserView(await this.people.setTags(userId, body.tags, principal));
  }

  @AllowedFor('staff', 'admin')
  @Post('sites/:siteId/makers')
  async createAtDesk(
    @Param('siteId') siteId: string,
    @Body() body: CreateDeskMakerDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ id: string; memberCode: string; password: string; displayName: string; locale: string | null }> {
    assertRunsSite(principal, siteId);
    const { user, password } = await this.people.createAtDesk(siteId, body);
    return { id: user.id, memberCode: user.memberCode!, password, displayName: user.displayName, locale: user.locale };
  }

  @AllowedFor('staff', 'admin')
  @Get('sites/:siteId/makers')
  async searchMakers(
    @Param('siteId') siteId: string,
    @Query() query: SearchMakersQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<MakerLookupView[]> {
    assertRunsSite(principal, siteId);
    return (await this.people.searchMakers(query.search)).map(toMakerLookupView);
  }
}
