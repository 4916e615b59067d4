import { Body, Controller, Get, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { userIdOf, type Principal } from '../auth/principal.js';
import { CreateUserDto, toUserView, UpdateUserDto, type UserView } from './user.dto.js';
import { ROLES, type Role } from './user.entity.js';
import { UsersService } from './users.service.js';

class ListUsersQuery {
  @IsOptional() @IsIn(ROLES) role?: Role;
  @IsOptional() @Matches(/^[a-z0-9][a-z0-9_-]{0,63}$/, { message: 'siteId must be a site id' }) siteId?: string;
}

@ApiTags('users')
@ApiBearerAuth()
@AllowedFor('admin')
@Controller('api/v1/users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Post()
  async create(@Body() body: CreateUserDto): Promise<UserView> {
    return toUserView(await this.users.create(body));
  }

  @Get()
  async list(@Query() query: ListUsersQuery): Promise<UserView[]> {
    return (await this.users.list(query)).map(toUserView);
  }

  @Get(':userId')
  async get(@Param('userId') userId: string): Promise<UserView> {
    return toUserView(await this.users.get(userId));
  }

  @Patch(':userId')
  async update(
    @Param('userId') userId: string,
    @Body() body: UpdateUserDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<UserView> {
    return toUserView(await this.users.update(userId, body, userIdOf(principal)));
  }

  @Post(':userId/deactivate')
  async deactivate(@Param('userId') userId: string, @CurrentPrincipal() principal: Principal): Promise<UserView> {
    return toUserView(await this.users.deactivate(userId, userIdOf(principal)));
  }
}
