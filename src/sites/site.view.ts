import type { Site } from './site.entity.js';

export interface SiteView {
  id: string;
  name: string;
  timeZone: string;
  locales: string[];
  openingHours: Site['openingHours'];
  closures: Site['closures'];
}

export function toSiteView(site: Site): SiteView {
  return {
    id: site.id,
    name: site.name,
    timeZone: site.timeZone,
    locales: site.locales,
    openingHours: site.openingHours,
    closures: site.closures,
  };
}
