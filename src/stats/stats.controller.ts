import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canManageSite, type Principal } from '../auth/principal.js';
import { ForbiddenError, NotFoundError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { statsTableToCsv } from './csv.js';
import { statsRequest, StatsQueryDto, type StatsAnswer } from './stats.dto.js';
import { StatsService } from './stats.service.js';

@ApiTags('stats')
@ApiBearerAuth()
@AllowedFor('staff', 'admin')
@Controller('api/v1/stats')
export class StatsController {
  constructor(
    @Inject(StatsService) private readonly stats: StatsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':table')
  async table(
    @Param('table') table: string,
    @Query() query: StatsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) response: Response,
  ): Promise<StatsAnswer | string> {
    // Staff of another site learn nothing, not even that the site exists; the network is admins'.
    if (query.siteId === undefined && !(principal.kind === 'user' && principal.role === 'admin')) {
      throw new ForbiddenError('Network-wide statistics are for admins; name your site with siteId.');
    }
    if (query.siteId !== undefined && !canManageSite(principal, query.siteId)) {
      throw new NotFoundError('site', query.siteId);
    }
    const answer = await this.stats.table(statsRequest(table, query, this.config.stats.suppressBelow));
    if (query.format !== 'csv') return answer;
    const filename = `fabrique-${answer.table}-${answer.siteId ?? 'network'}-${answer.period.from}-${answer.period.to}.csv`;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    response.setHeader('Content-Disposition', `attachment; filename="${filename}"`);
    return statsTableToCsv(answer);
  }
}
