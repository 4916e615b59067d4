import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from './auth/auth.module.js';
import { BridgeModule } from './bridge/bridge.module.js';
import type { Clock } from './common/clock.js';
import { ClockModule } from './common/clock.module.js';
import { HttpShutdown } from './common/http-shutdown.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { DemoModule } from './demo/demo.module.js';
import { HealthModule } from './health/health.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { LiveModule } from './live/live.module.js';
import { MachinesModule } from './machines/machines.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PagesModule } from './pages/pages.module.js';
import { ReservationsModule } from './reservations/reservations.module.js';
import { TrainingsModule } from './trainings/trainings.module.js';
import { SitesModule } from './sites/sites.module.js';
import { StatsModule } from './stats/stats.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppOptions {
  /** Tests pass a ManualClock; production uses the system clock. */
  clock?: Clock;
  /** Only errors in the log (tests). */
  quiet?: boolean;
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      providers: [HttpShutdown],
      imports: [
        ConfigModule.forRoot(config),
        ClockModule.forRoot(options.clock),
        DatabaseModule,
        SitesModule,
        UsersModule,
        AuthModule,
        MachinesModule,
        TrainingsModule,
        ReservationsModule,
        BridgeModule,
        JobsModule,
        HealthModule,
        LiveModule,
        DemoModule,
        PagesModule,
        StatsModule,
        MetricsModule,
      ],
    };
  }
}
