import { Inject, Injectable } from '@nestjs/common';
import { DeviceCredentialsService } from '../auth/device-credentials.service.js';

/**
 * Which bridges have live credentials and which machines each may speak for, read from the
 * device credentials. The embedded broker enforces the same thing at publish time; an external
 * broker may not, so ingestion checks every message against this.
 */
@Injectable()
export class BridgeDirectory {
  private bridges = new Map<string, ReadonlySet<string>>();
  private reloading: Promise<void> | null = null;

  constructor(@Inject(DeviceCredentialsService) private readonly devices: DeviceCredentialsService) {}

  knows(bridgeId: string): boolean {
    return this.bridges.has(bridgeId);
  }

  covers(bridgeId: string, machineId: string): boolean {
    return this.bridges.get(bridgeId)?.has(machineId) ?? false;
  }

  /** A bridge allowed to speak for the machine (to attribute a malformed message in the log). */
  bridgeFor(machineId: string): string | undefined {
    for (const [bridgeId, machines] of this.bridges) if (machines.has(machineId)) return bridgeId;
    return undefined;
  }

  bridgeIds(): string[] {
    return [...this.bridges.keys()];
  }

  get size(): number {
    return this.bridges.size;
  }

  /** Re-reads the credentials; concurrent callers share one query. */
  reload(): Promise<void> {
    this.reloading ??= this.read().finally(() => (this.reloading = null));
    return this.reloading;
  }

  private async read(): Promise<void> {
    const next = new Map<string, ReadonlySet<string>>();
    for (const credential of await this.devices.list()) {
      if (credential.kind !== 'bridge' || credential.revokedAt !== null || !credential.bridgeId) continue;
      next.set(credential.bridgeId, new Set(credential.machineIds));
    }
    this.bridges = next;
  }
}
