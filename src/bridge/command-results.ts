import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import type { CommandResult } from '@fabrique/firmware-bridge';

export interface ReceivedCommandResult {
  machineId: string;
  bridgeId: string;
  result: CommandResult;
}

/** Answers bridges give on `cmd/res`, for whoever sent the command (the jobs outbox). */
@Injectable()
export class CommandResults {
  readonly results$ = new Subject<ReceivedCommandResult>();
}
