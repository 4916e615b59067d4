import { Inject, Injectable } from '@nestjs/common';
import { uuidv7, type Command } from '@fabrique/firmware-bridge';
import type { Principal } from '../auth/principal.js';
import { Clock } from '../common/clock.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { MachinesService } from '../machines/machines.service.js';
import { MqttUnavailableError } from './bridge.errors.js';
import { MqttService } from './mqtt.service.js';

/** Long enough for a bridge that reconnects at once; short enough that nobody is surprised later. */
const CLEAR_CONFIRM_EXPIRES_MS = 5 * 60_000;

export interface SentCommand {
  commandId: string;
  machineId: string;
  bridgeId: string;
  command: Command['command'];
  issuedAt: string;
  expiresAt: string;
}

/** Commands staff send to machines through their bridge. */
@Injectable()
export class MachineCommandsService {
  constructor(
    @Inject(MachinesService) private readonly machines: MachinesService,
    @Inject(MachineLiveService) private readonly live: MachineLiveService,
    @Inject(MqttService) private readonly mqtt: MqttService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /**
   * A person confirmed the build area (bed, hoop) is clear: the bridge may let the machine take
   * the next job. `expectState` makes the bridge refuse it if the machine moved on meanwhile.
   */
  async confirmClear(machineId: string, principal: Principal): Promise<SentCommand> {
    await this.machines.getManaged(machineId, principal);
    const { bridgeId } = this.live.clearTarget(machineId);
    if (!this.mqtt.connected) {
      throw new MqttUnavailableError('The service is not connected to the MQTT broker; try again shortly.');
    }
    const now = this.clock.now();
    const command: Command = {
      command: 'clear_confirm',
      commandId: uuidv7(),
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + CLEAR_CONFIRM_EXPIRES_MS).toISOString(),
      expectState: ['awaiting_clear'],
      params: {},
    };
    await this.mqtt.sendCommand(bridgeId, machineId, command);
    return {
      commandId: command.commandId,
      machineId,
      bridgeId,
      command: command.command,
      issuedAt: command.issuedAt,
      expiresAt: command.expiresAt,
    };
  }
}
