import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module.js';
import { MachinesModule } from '../machines/machines.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { TrainingsModule } from '../trainings/trainings.module.js';
import { UsersModule } from '../users/users.module.js';
import { AvailabilityService } from './availability.service.js';
import { Block } from './block.entity.js';
import { BlocksController } from './blocks.controller.js';
import { BlocksService } from './blocks.service.js';
import { BookingContextService } from './booking-context.service.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarService } from './calendar.service.js';
import { NoShowService } from './no-show.service.js';
import { BookingEvents } from './reservation-events.js';
import { ReservationTagsController } from './reservation-tags.controller.js';
import { ReservationTagsService } from './reservation-tags.service.js';
import { Reservation } from './reservation.entity.js';
import { ReservationsController } from './reservations.controller.js';
import { ReservationsService } from './reservations.service.js';
import { WaitlistEntry } from './waitlist-entry.entity.js';
import { WaitlistController } from './waitlist.controller.js';
import { WaitlistService } from './waitlist.service.js';
import { ReservationsErasure } from './reservations-erasure.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Reservation, Block, WaitlistEntry]),
    SitesModule,
    MachinesModule,
    UsersModule,
    TrainingsModule,
    AuditModule,
  ],
  controllers: [
    ReservationsController,
    BlocksController,
    WaitlistController,
    CalendarController,
    ReservationTagsController,
  ],
  providers: [
    BookingEvents,
    BookingContextService,
    ReservationsService,
    AvailabilityService,
    BlocksService,
    WaitlistService,
    NoShowService,
    CalendarService,
    ReservationTagsService,
    ReservationsErasure,
  ],
  exports: [BookingEvents, ReservationsService, AvailabilityService, BlocksService, NoShowService],
})
export class ReservationsModule {}
