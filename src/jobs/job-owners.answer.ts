import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { JobOwners } from '../machines/job-owners.js';
import { Job } from './job.entity.js';

/** Tells live state whose job a machine runs (machines cannot ask the jobs module themselves). */
@Injectable()
export class JobOwnersAnswer implements OnModuleInit {
  constructor(
    @Inject(JobOwners) private readonly owners: JobOwners,
    @InjectRepository(Job) private readonly jobs: Repository<Job>,
  ) {}

  onModuleInit(): void {
    this.owners.answerWith(async (jobId) => {
      const job = await this.jobs.findOne({ where: { id: jobId }, select: { id: true, ownerId: true } });
      return job?.ownerId ?? null;
    });
  }
}
