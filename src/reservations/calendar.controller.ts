import { Controller, Get, Header, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { AuditService } from '../audit/audit.service.js';
import { AllowedFor, CurrentPrincipal, Public } from '../auth/auth.decorators.js';
import { canManageSite, userIdOf, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import { CalendarService } from './calendar.service.js';

class AuditQuery {
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit?: number;
}

@ApiTags('calendar')
@Controller('api/v1')
export class CalendarController {
  constructor(
    @Inject(CalendarService) private readonly calendars: CalendarService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  @ApiBearerAuth()
  @Get('me/calendar')
  async link(@CurrentPrincipal() principal: Principal) {
    return { url: await this.calendars.feedUrl(userIdOf(principal)) };
  }

  /** The secret in the URL is the credential: calendar apps cannot send a bearer token. */
  @Public()
  @Get('calendar/:feed')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  async makerFeed(@Param('feed') feed: string) {
    const token = /^([A-Za-z0-9_-]{43})\.ics$/.exec(feed)?.[1];
    if (!token) throw new NotFoundError('calendar', 'feed');
    return this.calendars.makerFeed(token);
  }

  @Public()
  @Get('sites/:siteId/calendar.ics')
  @Header('Content-Type', 'text/calendar; charset=utf-8')
  siteFeed(@Param('siteId') siteId: string) {
    return this.calendars.siteFeed(siteId);
  }

  @ApiBearerAuth()
  @AllowedFor('staff', 'admin')
  @Get('sites/:siteId/audit')
  async siteAudit(
    @Param('siteId') siteId: string,
    @Query() query: AuditQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    if (!canManageSite(principal, siteId)) throw new NotFoundError('site', siteId);
    return (await this.audit.forSite(siteId, query.limit ?? 200)).map((entry) => ({
      at: new Date(entry.at).toISOString(),
      actorId: entry.actorId,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      details: entry.details,
    }));
  }
}
