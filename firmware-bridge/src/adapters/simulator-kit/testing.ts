// Test helpers for adapters: build commands and record what an adapter reports. No test
// framework imports, so any suite (unit, runtime, service e2e) can use them.
import type { Command, CommandName, CommandOf, CommandParamsMap, FileFormat } from '../../contract/index.js';
import type { AdapterUpdate, MachineAdapter, MachineEvent } from '../../runtime/adapter.js';

let counter = 0;

export function buildTestCommand<C extends CommandName>(
  command: C,
  params: CommandParamsMap[C],
  overrides: Partial<Omit<CommandOf<C>, 'command' | 'params'>> = {},
): Command {
  counter += 1;
  return {
    command,
    commandId: `cmd-${counter}`,
    issuedAt: new Date(Date.now() - 1000).toISOString(),
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    params,
    ...overrides,
  } as Command;
}

export function startJob(
  jobId: string,
  format: FileFormat = 'gcode',
  bytes = 2_000_000,
  overrides: Partial<Omit<CommandOf<'start_job'>, 'command' | 'params'>> = {},
): Command {
  const file = {
    url: 'https://fabrique.test/files/x',
    sha256: 'a'.repeat(64),
    bytes,
    format,
    name: `${jobId}.${format}`,
  };
  return buildTestCommand('start_job', file, { jobId, ...overrides });
}

/** Everything an adapter reports, with the virtual time it happened at. */
export class UpdateRecorder {
  readonly updates: { at: number; update: AdapterUpdate }[] = [];
  private readonly unsubscribe: () => void;

  constructor(
    adapter: MachineAdapter,
    private readonly now: () => number,
  ) {
    this.unsubscribe = adapter.subscribe((update) => this.updates.push({ at: now(), update }));
  }

  stop(): void {
    this.unsubscribe();
  }

  events(): { at: number; event: MachineEvent }[] {
    return this.updates.flatMap(({ at, update }) => (update.kind === 'event' ? [{ at, event: update.event }] : []));
  }

  eventTypes(): string[] {
    return this.events().map((e) => e.event.type);
  }

  /** State transitions as `state` or `state/substate`, consecutive duplicates removed. */
  states(): string[] {
    const out: string[] = [];
    for (const { update } of this.updates) {
      if (update.kind !== 'state') continue;
      const s = update.snapshot;
      const label = s.substate ? `${s.state}/${s.substate}` : s.state;
      if (out.at(-1) !== label) out.push(label);
    }
    return out;
  }

  /** Virtual time of the first event of a type (after `from`), or undefined. */
  timeOf(type: MachineEvent['type'], from = -Infinity): number | undefined {
    return this.events().find((e) => e.event.type === type && e.at >= from)?.at;
  }
}
