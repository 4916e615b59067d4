import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Patch,
  Post,
  Query,
  StreamableFile,
  UploadedFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal, Public } from '../auth/auth.decorators.js';
import type { Principal } from '../auth/principal.js';
import { TemporaryUpload } from '../common/temporary-upload.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { JobFilesService } from './job-files.service.js';
import { MACHINE_TAKEN_STATES } from './job-state.rules.js';
import { toCommandView, toJobView, toTransitionView, type JobView } from './job.view.js';
import { ConfirmStepDto, JobListQuery, QueueJobDto, ReorderJobDto, UploadJobDto } from './jobs.dto.js';
import { FileLinkRefusedError } from './jobs.errors.js';
import { JobsService, type UploadedFile as StoredUpload } from './jobs.service.js';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('api/v1')
export class JobsController {
  constructor(
    @Inject(JobsService) private readonly jobs: JobsService,
    @Inject(JobFilesService) private readonly files: JobFilesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
  ) {}

  /** 201 with the draft: the file's parsed estimate, to check before queueing it. */
  @Post('jobs')
  @AllowedFor('maker', 'staff', 'admin')
  @TemporaryUpload('file')
  @ApiConsumes('multipart/form-data')
  @ApiBody({
    schema: {
      type: 'object',
      required: ['file', 'siteId'],
      properties: {
        file: { type: 'string', format: 'binary', description: '.gcode .bgcode .3mf .dst .pes .exp .jef' },
        siteId: { type: 'string' },
        makerId: { type: 'string' },
        name: { type: 'string' },
      },
    },
  })
  async upload(
    @UploadedFile() file: StoredUpload | undefined,
    @Body() body: UploadJobDto,
    @CurrentPrincipal() principal: Principal,
  ): Promise<JobView> {
    return this.view(await this.jobs.upload(file, body, principal));
  }

  @Post('jobs/:id/queue')
  @AllowedFor('maker', 'staff', 'admin')
  @HttpCode(HttpStatus.OK)
  async queue(@Param('id') id: string, @Body() body: QueueJobDto, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.queue(id, body, principal));
  }

  @Get('jobs')
  @AllowedFor('maker', 'staff', 'admin')
  async list(@Query() query: JobListQuery, @CurrentPrincipal() principal: Principal): Promise<JobView[]> {
    const jobs = await this.jobs.list(query, principal);
    const names = await this.jobs.makerNames(jobs, principal);
    return jobs.map((job) => this.view(job, names));
  }

  @Get('jobs/:id')
  @AllowedFor('maker', 'staff', 'admin')
  async get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    const job = await this.jobs.getOwnOrManaged(id, principal);
    const { transitions, commands } = await this.jobs.history(id, principal);
    const names = await this.jobs.makerNames([job], principal);
    return {
      ...this.view(job, names),
      transitions: transitions.map(toTransitionView),
      commands: commands.map(toCommandView),
    };
  }

  /** 202 for a job on a machine: the cancel is on its way; the machine's report ends the job. */
  @Post('jobs/:id/cancel')
  @AllowedFor('maker', 'staff', 'admin')
  @HttpCode(HttpStatus.ACCEPTED)
  async cancel(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.cancel(id, principal));
  }

  @Post('jobs/:id/pause')
  @AllowedFor('maker', 'staff', 'admin')
  @HttpCode(HttpStatus.ACCEPTED)
  async pause(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.pause(id, principal));
  }

  @Post('jobs/:id/resume')
  @AllowedFor('maker', 'staff', 'admin')
  @HttpCode(HttpStatus.ACCEPTED)
  async resume(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.resume(id, principal));
  }

  /** Staff at an operator machine: the step it waited for is done (`confirm_step`). */
  @Post('jobs/:id/confirm-step')
  @AllowedFor('staff', 'admin')
  @HttpCode(HttpStatus.ACCEPTED)
  async confirmStep(@Param('id') id: string, @Body() body: ConfirmStepDto, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.confirmStep(id, body.interventionId, principal));
  }

  @Patch('jobs/:id/position')
  @AllowedFor('staff', 'admin')
  async reorder(@Param('id') id: string, @Body() body: ReorderJobDto, @CurrentPrincipal() principal: Principal) {
    return this.view(await this.jobs.reorder(id, body, principal));
  }

  /**
   * Bridges download job files here, with the link the start command carried: signed for one job
   * on one machine, valid for a few hours, and only while that job is being sent to or run on it.
   */
  @Get('job-files/:sha256')
  @Public()
  async download(@Param('sha256') sha256: string, @Query() query: Record<string, unknown>): Promise<StreamableFile> {
    const grant = this.files.verifyLink(sha256, query);
    const job = await this.jobs.find(grant.jobId);
    if (
      !job ||
      job.fileSha256 !== sha256 ||
      job.machineId !== grant.machineId ||
      !MACHINE_TAKEN_STATES.includes(job.state)
    ) {
      throw new FileLinkRefusedError('This link is for a job that is no longer being sent to this machine.');
    }
    const file = await this.files.get(sha256);
    return new StreamableFile(this.files.open(sha256), {
      type: 'application/octet-stream',
      length: file.bytes,
      disposition: `attachment; filename="${job.id}.${file.format}"`,
    });
  }

  private view(job: Parameters<typeof toJobView>[0], names?: Map<string, string>): JobView {
    const makerName = job.ownerId ? (names?.get(job.ownerId) ?? null) : null;
    return toJobView(job, job.machineId ? this.live.get(job.machineId) : null, makerName);
  }
}
