// `start_job` for machines that take a file over the network: the bridge downloads the file from
// the service's store (files never travel over MQTT), checks its SHA-256, hands it to the machine
// and asks it to start. Every step answers with an event; a start the machine never acknowledges
// fails after a timeout instead of staying pending forever (FDM Monster issue 4955).
import { createHash } from 'node:crypto';
import type { CommandError, CommandErrorCode, FileReference } from '../../contract/index.js';
import type { Scheduler } from '../../runtime/scheduler.js';
import type { JobTracker, TrackedJob } from './job-tracker.js';

export type Step = { ok: true } | { ok: false; error: CommandError };
export const stepOk: Step = { ok: true };
export const stepFailed = (code: CommandErrorCode, message: string, retryable = false): Step => ({
  ok: false,
  error: { code, message: message.slice(0, 512), retryable },
});

export interface DownloadOptions {
  timeoutMs: number;
  maxBytes: number;
  signal: AbortSignal;
}

export type Download = { ok: true; bytes: Buffer } | { ok: false; error: CommandError };

export async function downloadVerified(file: FileReference, options: DownloadOptions): Promise<Download> {
  const signal = AbortSignal.any([options.signal, AbortSignal.timeout(options.timeoutMs)]);
  try {
    const response = await fetch(file.url, { signal });
    if (!response.ok) {
      await response.body?.cancel();
      return failed('TRANSFER_FAILED', `download failed: HTTP ${response.status}`, response.status >= 500);
    }
    const declared = Number(response.headers.get('content-length') ?? NaN);
    if (declared > options.maxBytes) {
      await response.body?.cancel();
      return failed('TRANSFER_FAILED', `file is larger than maxFileBytes (${options.maxBytes})`, false);
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > options.maxBytes) {
      return failed('TRANSFER_FAILED', `file is larger than maxFileBytes (${options.maxBytes})`, false);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== file.sha256) {
      return failed('CHECKSUM_MISMATCH', `downloaded file has sha256 ${sha256}, expected ${file.sha256}`, true);
    }
    return { ok: true, bytes };
  } catch (error) {
    if (options.signal.aborted) throw error;
    return failed('TRANSFER_FAILED', `download failed: ${(error as Error).message}`, true);
  }
}

const failed = (code: CommandErrorCode, message: string, retryable: boolean): Download => ({
  ok: false,
  error: { code, message: message.slice(0, 512), retryable },
});

/** A name the machine will accept: no path, no spaces, bounded; the jobId keeps it unique. */
export function machineFileName(jobId: string, name: string | undefined, extension: string): string {
  const base = (name ?? 'job')
    .replace(/\.[A-Za-z0-9]{1,6}$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^[._-]+/, '')
    .slice(0, 80);
  const id = jobId.replace(/[^A-Za-z0-9_-]+/g, '_');
  return `${id}-${base || 'job'}.${extension}`;
}

export interface TransferPlan {
  tracker: JobTracker;
  scheduler: Scheduler;
  job: TrackedJob;
  file: FileReference;
  download: Omit<DownloadOptions, 'signal'>;
  signal: AbortSignal;
  /** Puts the bytes on the machine (a CHECKSUM_MISMATCH from the machine is a transfer failure). */
  upload(bytes: Buffer, signal: AbortSignal): Promise<Step>;
  /** Asks the machine to start the uploaded file. */
  start(signal: AbortSignal): Promise<Step>;
  startTimeoutMs: number;
}

/**
 * Runs a job from download to the machine's start; never rejects. The tracker's job stays
 * `receiving` then `preparing` (STARTING) until the machine reports it running; a cancel aborts
 * `signal`, and the job ends as cancelled before it ever reached the bed.
 */
export async function transferAndStart(plan: TransferPlan): Promise<void> {
  const { tracker, job, file, signal } = plan;
  const jobId = job.jobId ?? 'unknown';
  const still = () => tracker.current === job && !signal.aborted;
  try {
    const got = await downloadVerified(file, { ...plan.download, signal });
    if (!still()) return;
    if (!got.ok) return failTransfer(tracker, jobId, got.error);
    tracker.setLocal('receiving', 'UPLOAD');
    const uploaded = await plan.upload(got.bytes, signal);
    if (!still()) return;
    if (!uploaded.ok) return failTransfer(tracker, jobId, uploaded.error);
    tracker.event({ type: 'transfer.completed', data: { jobId, bytes: got.bytes.length, sha256: file.sha256 } });
    tracker.setLocal('preparing', 'STARTING');
    const started = await plan.start(signal);
    if (!still()) return;
    if (!started.ok) {
      tracker.finish('failed', { nativeCode: started.error.code, message: started.error.message });
      return;
    }
    plan.scheduler.after(plan.startTimeoutMs, () => {
      if (tracker.current !== job || job.startedAt !== null) return;
      const seconds = Math.round(plan.startTimeoutMs / 1000);
      tracker.finish('failed', {
        nativeCode: 'START_TIMEOUT',
        message: `the machine did not start within ${seconds} s`,
      });
    });
  } catch (error) {
    if (tracker.current !== job) return;
    if (signal.aborted) tracker.finish('cancelled', { message: 'cancelled before the machine started' });
    else tracker.finish('failed', { nativeCode: 'TRANSFER_FAILED', message: (error as Error).message });
  }
}

function failTransfer(tracker: JobTracker, jobId: string, error: CommandError): void {
  tracker.event({ type: 'transfer.failed', data: { jobId, error } });
  tracker.finish('failed', { nativeCode: error.code, message: error.message });
}
