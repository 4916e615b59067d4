import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { UsersModule } from '../users/users.module.js';
import { TrainingsController } from './trainings.controller.js';
import { TrainingsService } from './trainings.service.js';
import { UserTraining } from './user-training.entity.js';
import { TrainingsErasure } from './trainings-erasure.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserTraining]), UsersModule, AuditModule],
  controllers: [TrainingsController],
  providers: [TrainingsService, TrainingsErasure],
  exports: [TrainingsService],
})
export class TrainingsModule {}
