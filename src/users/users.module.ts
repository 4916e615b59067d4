import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SitesModule } from '../sites/sites.module.js';
import { AccountErasureService } from './account-erasure.service.js';
import { PeopleController } from './people.controller.js';
import { PeopleService } from './people.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([User]), SitesModule],
  controllers: [UsersController, PeopleController],
  providers: [UsersService, PeopleService, AccountErasureService],
  exports: [UsersService, AccountErasureService],
})
export class UsersModule {}
