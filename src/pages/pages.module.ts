import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { SitesModule } from '../sites/sites.module.js';
import { KioskPairingController } from './kiosk-pairing.controller.js';
import { KioskPairingService } from './kiosk-pairing.service.js';
import { PageAssets } from './page-assets.js';
import { PagesController } from './pages.controller.js';

/** The lobby kiosk and the staff live board (pages over the `/live` socket and the API). */
@Module({
  imports: [AuthModule, SitesModule],
  controllers: [PagesController, KioskPairingController],
  providers: [PageAssets, KioskPairingService],
})
export class PagesModule {}
