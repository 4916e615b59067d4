import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/domain-error.js';
import { WriteLock } from '../database/write-lock.js';
import { MachinesService } from '../machines/machines.service.js';
import { SitesService } from '../sites/sites.service.js';
import { BridgeIdTakenError, BrokerAccountError } from './auth.errors.js';
import { DeviceCredential } from './device-credential.entity.js';
import { randomSecret, secretMatches, sha256Hex } from './secrets.js';

const KIOSK_TOKEN = /^kiosk_([0-9a-f-]{36})_([A-Za-z0-9_-]{43})$/;

/**
 * A broker that keeps its own accounts (Mosquitto's dynamic security): told of each bridge issued
 * and revoked, so the broker lets in exactly the bridges with live credentials.
 */
export interface BridgeAccounts {
  created(bridgeId: string, machineIds: readonly string[], password: string): Promise<void>;
  removed(bridgeId: string): Promise<void>;
}

export interface IssuedCredential {
  credential: DeviceCredential;
  /** Shown once: a kiosk bearer token, or a bridge's MQTT password. */
  secret: string;
}

@Injectable()
export class DeviceCredentialsService {
  /** Credentials just revoked: connections made with them are closed by their owners (the broker). */
  readonly revoked$ = new Subject<DeviceCredential>();
  private accounts?: BridgeAccounts;

  constructor(
    @InjectRepository(DeviceCredential) private readonly credentials: Repository<DeviceCredential>,
    @Inject(SitesService) private readonly sites: SitesService,
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Called once at start by the broker's provisioning, when there is one. */
  useBridgeAccounts(accounts: BridgeAccounts): void {
    this.accounts = accounts;
  }

  async issueKiosk(siteId: string, label: string, issuedBy: string): Promise<IssuedCredential> {
    await this.sites.get(siteId);
    const secret = randomSecret();
    const credential = await this.insert({
      kind: 'kiosk',
      label,
      siteId,
      bridgeId: null,
      machineIds: [],
      secret,
      issuedBy,
    });
    return { credential, secret: `kiosk_${credential.id}_${secret}` };
  }

  async issueBridge(
    bridgeId: string,
    machineIds: string[],
    label: string,
    issuedBy: string | null,
  ): Promise<IssuedCredential> {
    for (const machineId of machineIds) await this.machines.get(machineId);
    const secret = randomSecret();
    const credential = await this.writeLock.run(async (manager) => {
      const taken = await manager.getRepository(DeviceCredential).existsBy({ bridgeId, revokedAt: IsNull() });
      if (taken)
        throw new BridgeIdTakenError(`Bridge '${bridgeId}' already has credentials; revoke them first.`, {
          field: 'bridgeId',
        });
      return this.insertWith(manager.getRepository(DeviceCredential), {
        kind: 'bridge',
        label,
        siteId: null,
        bridgeId,
        machineIds: [...new Set(machineIds)],
        secret,
        issuedBy,
      });
    });
    try {
      await this.accounts?.created(bridgeId, credential.machineIds, secret);
    } catch (error) {
      // Credentials the broker does not know would be handed out useless: take them back.
      await this.writeLock.run((manager) => manager.getRepository(DeviceCredential).delete({ id: credential.id }));
      throw new BrokerAccountError(
        `The MQTT broker did not take bridge '${bridgeId}' (${(error as Error).message}); nothing was issued, try again.`,
      );
    }
    return { credential, secret };
  }

  list(): Promise<DeviceCredential[]> {
    return this.credentials.find({ order: { createdAt: 'DESC' } });
  }

  async revoke(id: string): Promise<DeviceCredential> {
    const credential = await this.credentials.findOneBy({ id });
    if (!credential) throw new NotFoundError('device credential', id);
    if (credential.revokedAt === null) {
      credential.revokedAt = this.clock.now();
      await this.writeLock.run((manager) => manager.getRepository(DeviceCredential).save(credential));
      this.revoked$.next(credential);
      // A broker out of reach now drops the account at its next reconciliation.
      if (credential.kind === 'bridge' && credential.bridgeId) await this.accounts?.removed(credential.bridgeId);
    }
    return credential;
  }

  async verifyKioskToken(token: string): Promise<DeviceCredential | null> {
    const match = KIOSK_TOKEN.exec(token);
    if (!match) return null;
    const credential = await this.credentials.findOneBy({ id: match[1], kind: 'kiosk', revokedAt: IsNull() });
    return credential && secretMatches(match[2], credential.secretHash) ? credential : null;
  }

  async verifyBridge(bridgeId: string, password: string): Promise<DeviceCredential | null> {
    const credential = await this.credentials.findOneBy({ bridgeId, kind: 'bridge', revokedAt: IsNull() });
    return credential && secretMatches(password, credential.secretHash) ? credential : null;
  }

  private insert(values: Parameters<DeviceCredentialsService['insertWith']>[1]): Promise<DeviceCredential> {
    return this.writeLock.run((manager) => this.insertWith(manager.getRepository(DeviceCredential), values));
  }

  private async insertWith(
    repository: Repository<DeviceCredential>,
    values: Pick<DeviceCredential, 'kind' | 'label' | 'siteId' | 'bridgeId' | 'machineIds'> & {
      secret: string;
      issuedBy: string | null;
    },
  ): Promise<DeviceCredential> {
    const { secret, issuedBy, ...rest } = values;
    return repository.save({
      id: randomUUID(),
      ...rest,
      secretHash: sha256Hex(secret),
      createdBy: issuedBy,
      createdAt: this.clock.now(),
      revokedAt: null,
    });
  }
}
