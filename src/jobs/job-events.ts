import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { JobChange } from './job-ledger.js';

/** Every job change, after it is committed: for live pages and statistics, never for writing jobs. */
@Injectable()
export class JobEvents {
  readonly changes$ = new Subject<JobChange>();
  /** Commands were written to the outbox: the dispatcher sends them without waiting for its tick. */
  readonly outbox$ = new Subject<void>();

  emit(changes: readonly (JobChange | null)[]): void {
    for (const change of changes) if (change) this.changes$.next(change);
  }

  commandsQueued(): void {
    this.outbox$.next();
  }
}
