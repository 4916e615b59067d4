import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { TypeOrmModule } from '@nestjs/typeorm';
import { BridgeModule } from '../bridge/bridge.module.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { ReservationsModule } from '../reservations/reservations.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { TrainingsModule } from '../trainings/trainings.module.js';
import { UsersModule } from '../users/users.module.js';
import { JobCommand } from './job-command.entity.js';
import { JobDispatcher } from './job-dispatcher.service.js';
import { JobReports } from './job-reports.service.js';
import { JobStarter } from './job-starter.service.js';
import { JobEvents } from './job-events.js';
import { JobFile } from './job-file.entity.js';
import { JobFilesService } from './job-files.service.js';
import { JobOwnersAnswer } from './job-owners.answer.js';
import { JobTransition } from './job-transition.entity.js';
import { Job } from './job.entity.js';
import { JobsController } from './jobs.controller.js';
import { JobsErasure } from './jobs-erasure.js';
import { JobsService } from './jobs.service.js';
import { MachineDurationRatio } from './machine-duration.entity.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Job, JobTransition, JobCommand, JobFile, MachineDurationRatio]),
    // Uploads land on disk next to the store (never in memory), capped at the configured size.
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const dest = join(config.dataDir, 'job-files', 'incoming');
        mkdirSync(dest, { recursive: true });
        return {
          dest,
          limits: { fileSize: config.jobs.maxFileBytes, files: 1, fields: 10, parts: 12 },
          // Browsers and curl send the file name's UTF-8 bytes as they are; busboy's default reads
          // them as latin1 ("Chloé" became "ChloÃ©"). An RFC 5987 `filename*` names its own charset.
          defParamCharset: 'utf8',
        };
      },
    }),
    SitesModule,
    UsersModule,
    TrainingsModule,
    MachinesModule,
    ReservationsModule,
    BridgeModule,
  ],
  controllers: [JobsController],
  providers: [
    JobEvents,
    JobFilesService,
    JobsService,
    JobStarter,
    JobReports,
    JobDispatcher,
    JobOwnersAnswer,
    JobsErasure,
  ],
  exports: [JobEvents, JobsService],
})
export class JobsModule {}
