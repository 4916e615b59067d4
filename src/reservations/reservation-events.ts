import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

export type ReservationEventType =
  | 'reservation.created'
  | 'reservation.cancelled'
  | 'reservation.moved'
  | 'reservation.checked_in'
  | 'reservation.released'
  | 'reservation.no_show';

export type BookingEvent =
  | {
      type: ReservationEventType;
      at: number;
      reservationId: string;
      siteId: string;
      machineId: string;
      makerId: string;
      start: number;
      end: number;
    }
  | { type: 'block.created' | 'block.cancelled'; at: number; blockId: string; siteId: string; machineIds: string[] }
  | {
      type: 'waitlist.offered';
      at: number;
      entryId: string;
      makerId: string;
      siteId: string;
      machineId: string;
      start: number;
      end: number;
    };

/**
 * Domain events of the booking engine, emitted after the change is committed. Live occupancy and
 * notification channels subscribe here instead of reaching into reservations' tables.
 */
@Injectable()
export class BookingEvents {
  readonly events$ = new Subject<BookingEvent>();

  emit(event: BookingEvent): void {
    this.events$.next(event);
  }
}
