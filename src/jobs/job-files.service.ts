import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { createReadStream, type ReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { resolveJwtSecret } from '../auth/jwt-secret.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { JobFile } from './job-file.entity.js';
import { FileLinkRefusedError, JobRefusedError, UnsupportedJobFileError } from './jobs.errors.js';
import { readJobFile } from './metadata/job-file-check.js';
import { fileExtension } from './metadata/job-metadata.js';

/** What a signed download link names: the file, and the job and machine it was issued for. */
export interface FileGrant {
  sha256: string;
  jobId: string;
  machineId: string;
  expiresAt: number;
}

const SHA256 = /^[0-9a-f]{64}$/;

/**
 * Job files, stored once by content under `<data>/job-files/ab/abcdef…` however many jobs use
 * them, and handed to bridges by links signed for one job on one machine (bridges fetch files
 * over HTTP themselves; files never travel over MQTT).
 */
@Injectable()
export class JobFilesService {
  private readonly root: string;
  private readonly linkKey: Buffer;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(JobFile) private readonly files: Repository<JobFile>,
    @Inject(Clock) private readonly clock: Clock,
  ) {
    this.root = join(config.dataDir, 'job-files');
    // A key of its own, derived from the service secret: a download link is no session token.
    this.linkKey = createHmac('sha256', resolveJwtSecret(config)).update('fabrique job file links v1').digest();
  }

  /** Where multer leaves uploads until they are hashed; same disk as the store, so a rename moves them. */
  get uploadFolder(): string {
    return join(this.root, 'incoming');
  }

  /**
   * Takes an uploaded file (already on disk) into the store: parsed for its metadata, hashed, and
   * kept once. Refuses what no machine here takes (415), empty files and files whose content is no
   * job for their extension (422); a damaged file of the right kind is kept with unknown estimates.
   */
  async store(uploadedPath: string, originalName: string): Promise<JobFile> {
    try {
      const bytes = await readFile(uploadedPath);
      const parsed = readJobFile(originalName, bytes);
      if (parsed.kind === 'unsupported')
        throw new UnsupportedJobFileError(`This file cannot be used: ${parsed.reason}.`, { field: 'file' });
      if (bytes.byteLength === 0) throw new JobRefusedError('EMPTY_FILE', 'The file is empty.', { field: 'file' });
      if (parsed.kind === 'not_a_job_file') {
        throw new JobRefusedError('NOT_A_JOB_FILE', parsed.reason, {
          field: 'file',
          details: { detected: parsed.detected },
        });
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const existing = await this.files.findOneBy({ sha256 });
      if (existing && (await this.present(sha256, existing.bytes))) return existing;
      const target = this.pathOf(sha256);
      await mkdir(join(this.root, sha256.slice(0, 2)), { recursive: true });
      await rename(uploadedPath, target);
      const file = this.files.create({
        sha256,
        bytes: bytes.byteLength,
        format: fileExtension(originalName)!,
        metadata: parsed,
        storedAt: this.clock.now(),
      });
      if (!existing)
        await this.files.insert(file).catch(async (error: unknown) => {
          // Two uploads of the same file at once: the other one's row is as good as ours.
          if (!(await this.files.existsBy({ sha256 }))) throw error;
        });
      return existing ?? file;
    } finally {
      await rm(uploadedPath, { force: true });
    }
  }

  async get(sha256: string): Promise<JobFile> {
    const file = SHA256.test(sha256) ? await this.files.findOneBy({ sha256 }) : null;
    if (!file) throw new NotFoundError('job file', sha256);
    return file;
  }

  pathOf(sha256: string): string {
    return join(this.root, sha256.slice(0, 2), sha256);
  }

  open(sha256: string): ReadStream {
    return createReadStream(this.pathOf(sha256));
  }

  /** The URL a bridge downloads the file from, valid for this job on this machine until `expiresAt`. */
  signedUrl(grant: FileGrant): string {
    const query = new URLSearchParams({
      job: grant.jobId,
      machine: grant.machineId,
      expires: String(grant.expiresAt),
      sig: this.signature(grant),
    });
    return `${this.config.server.publicUrl}/api/v1/job-files/${grant.sha256}?${query}`;
  }

  /** Checks a link's signature and expiry; what it grants is for the caller to check against the job. */
  verifyLink(sha256: string, query: Record<string, unknown>): FileGrant {
    const [jobId, machineId, expires, sig] = ['job', 'machine', 'expires', 'sig'].map((k) =>
      typeof query[k] === 'string' ? (query[k] as string) : '',
    );
    const grant = { sha256, jobId, machineId, expiresAt: Number(expires) };
    const expected = Buffer.from(this.signature(grant));
    const given = Buffer.from(sig);
    if (!SHA256.test(sha256) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new FileLinkRefusedError('This download link is not valid.');
    }
    if (!(grant.expiresAt > this.clock.now())) throw new FileLinkRefusedError('This download link has expired.');
    return grant;
  }

  private signature(grant: FileGrant): string {
    const text = [grant.sha256, grant.jobId, grant.machineId, grant.expiresAt].join('\n');
    return createHmac('sha256', this.linkKey).update(text).digest('base64url');
  }

  private async present(sha256: string, bytes: number): Promise<boolean> {
    const info = await stat(this.pathOf(sha256)).catch(() => null);
    return info !== null && info.size === bytes;
  }
}
