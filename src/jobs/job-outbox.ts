import { uuidv7, type Command, type FileEstimate, type FileReference } from '@fabrique/firmware-bridge';
import type { JobsConfig } from '../config/app-config.js';
import type { DispatchPolicy } from './dispatch.rules.js';
import { JobCommand } from './job-command.entity.js';
import type { Job } from './job.entity.js';

export function dispatchPolicy(config: JobsConfig['dispatch']): DispatchPolicy {
  return {
    answerTimeoutMs: config.answerTimeoutSeconds * 1000,
    resendMs: config.resendSeconds * 1000,
    maxResendMs: Math.max(config.resendSeconds * 1000, 30_000),
    attempts: config.attempts,
    giveUpMs: config.giveUpMinutes * 60_000,
  };
}

const EXPECT: Partial<Record<Command['command'], Command['expectState']>> = {
  start_job: ['idle'],
  load_design: ['idle'],
  pause: ['running'],
  resume: ['paused'],
};

function outboxRow(
  command: Command,
  job: Job,
  machineId: string,
  attempt: number,
  issuedAt: number,
  expiresAt: number,
): JobCommand {
  return Object.assign(new JobCommand(), {
    commandId: command.commandId,
    jobId: job.id,
    machineId,
    command: command.command,
    payload: command,
    attempt,
    issuedAt,
    expiresAt,
    sends: 0,
    lastSentAt: null,
    status: 'pending' as const,
    result: null,
    answeredAt: null,
  });
}

/**
 * What the file told the service, for a machine that cannot read it (a simulator): without it the
 * demo printer would announce its own time and layer count, not the ones the upload showed.
 */
export function fileEstimate(job: Pick<Job, 'metadata' | 'estimatedSeconds'>): FileEstimate | undefined {
  const meta = (job.metadata ?? {}) as Partial<Record<string, unknown>>;
  const whole = (value: unknown) => (typeof value === 'number' && value >= 1 ? Math.round(value) : undefined);
  const estimate: FileEstimate = {
    durationS: whole(job.estimatedSeconds),
    layers: whole(meta.layers),
    filamentG: typeof meta.filamentGrams === 'number' && meta.filamentGrams >= 0 ? meta.filamentGrams : undefined,
    stitches: whole(meta.stitches),
    colorBlocks: whole(meta.colorBlocks),
  };
  const stated = Object.entries(estimate).filter(([, value]) => value !== undefined);
  return stated.length > 0 ? (Object.fromEntries(stated) as FileEstimate) : undefined;
}

/** The command that starts (or, where a person starts it at the machine, loads) a job. */
export function startCommand(
  job: Job,
  machineId: string,
  file: FileReference,
  remoteStart: boolean,
  attempt: number,
  now: number,
  config: JobsConfig['dispatch'],
): JobCommand {
  const expiresAt = now + config.answerTimeoutSeconds * 1000;
  const name = remoteStart ? 'start_job' : 'load_design';
  const estimate = fileEstimate(job);
  const command = {
    command: name,
    commandId: uuidv7(),
    jobId: job.id,
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    expectState: EXPECT[name],
    params: { ...file, ...(estimate && { estimate }) },
  } as Command;
  return outboxRow(command, job, machineId, attempt, now, expiresAt);
}

export type ControlCommand = 'cancel' | 'pause' | 'resume' | 'confirm_step';

/**
 * Cancel, pause, resume, or the operator's "done" on a step (re-threaded, hoop in place), for the
 * job on its machine; `jobId` makes the bridge refuse it for any other job.
 */
export function controlCommand(
  name: ControlCommand,
  job: Job,
  now: number,
  config: JobsConfig['dispatch'],
  params: Record<string, string> = {},
): JobCommand {
  const expiresAt = now + config.answerTimeoutSeconds * 1000;
  const expectState = EXPECT[name];
  // An adopted job goes by the machine's own name for it (none: the bridge takes "the current job").
  const jobId = job.source === 'machine' ? (job.machineJobRef ?? undefined) : job.id;
  const command = {
    command: name,
    commandId: uuidv7(),
    ...(jobId === undefined ? {} : { jobId }),
    issuedAt: new Date(now).toISOString(),
    expiresAt: new Date(expiresAt).toISOString(),
    ...(expectState ? { expectState } : {}),
    params,
  } as Command;
  return outboxRow(command, job, job.machineId!, job.attempts, now, expiresAt);
}
