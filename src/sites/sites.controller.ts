import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AllowedFor, CurrentPrincipal } from '../auth/auth.decorators.js';
import { canReadSite, type Principal } from '../auth/principal.js';
import { NotFoundError } from '../common/domain-error.js';
import { toSiteView, type SiteView } from './site.view.js';
import { SitesService } from './sites.service.js';

@ApiTags('sites')
@ApiBearerAuth()
@AllowedFor('maker', 'staff', 'admin', 'kiosk')
@Controller('api/v1/sites')
export class SitesController {
  constructor(@Inject(SitesService) private readonly sites: SitesService) {}

  @Get()
  async list(@CurrentPrincipal() principal: Principal): Promise<SiteView[]> {
    const sites = await this.sites.list();
    return sites.filter((site) => canReadSite(principal, site.id)).map(toSiteView);
  }

  @Get(':siteId')
  async get(@Param('siteId') siteId: string, @CurrentPrincipal() principal: Principal): Promise<SiteView> {
    if (!canReadSite(principal, siteId)) throw new NotFoundError('site', siteId);
    return toSiteView(await this.sites.get(siteId));
  }
}
