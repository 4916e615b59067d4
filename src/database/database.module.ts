import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { dataSourceOptions } from './data-source-options.js';
import { WriteLock } from './write-lock.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: async (config: AppConfig) => ({
        ...(await dataSourceOptions(config, [])),
        autoLoadEntities: true,
        retryAttempts: config.database.connectRetries,
      }),
    }),
  ],
  providers: [WriteLock],
  exports: [WriteLock],
})
export class DatabaseModule {}
