import type {
  BridgeStatusMessage,
  ClearedRetained,
  CommandResult,
  DecodedMessage,
  MachineChannel,
  RetainedMachineChannel,
} from '@fabrique/firmware-bridge';
import type { MachineLiveService } from '../machines/machine-live.service.js';
import type { BridgeDirectory } from './bridge-directory.js';
import type { IngestionOutcome } from './ingestion-stats.js';
import type { BridgeSessions } from './session.rules.js';

/** Not decided yet: the bridge or machine is unknown, and fresher credentials might know it. */
export const PARK = Symbol('park');
export type HandleResult = IngestionOutcome | typeof PARK;

type MachineMessage = Extract<DecodedMessage, { topic: { kind: 'machine' } }>;

export interface HandlerDeps {
  live: Pick<
    MachineLiveService,
    | 'knows'
    | 'bridgeLink'
    | 'applyState'
    | 'applyAvailability'
    | 'applyMeta'
    | 'applyTelemetry'
    | 'recordEvent'
    | 'touch'
    | 'clearRetained'
  >;
  directory: Pick<BridgeDirectory, 'knows' | 'covers'>;
  sessions: BridgeSessions;
  /** Asks the bridge to republish everything about the machine (firmware-bridge/CONTRACT.md: a gap in `seq`). */
  resync(bridgeId: string, machineId: string): void;
  /** Hands a command's answer to whoever sent the command. */
  commandResult(machineId: string, bridgeId: string, result: CommandResult): void;
}

/**
 * Applies one decoded message to live state under firmware-bridge/CONTRACT.md's rules: who may speak for which
 * machine, older sessions dropped, gaps in `seq` on state and events answered with `resync`.
 * Synchronous and side-effect free until every check has passed.
 */
export class BridgeMessageHandler {
  constructor(private readonly deps: HandlerDeps) {}

  /** With `mayPark`, an unknown bridge or machine answers PARK instead of a final rejection. */
  handle(decoded: DecodedMessage | ClearedRetained, mayPark: boolean): HandleResult {
    if (decoded.cleared) return this.cleared(decoded, mayPark);
    switch (decoded.channel) {
      case 'service-status':
      case 'cmd':
        return 'IGNORED'; // the service's own messages: not ingested
      case 'bridge-status':
        return this.bridgeStatus(decoded.message, mayPark);
      default:
        return this.machine(decoded, mayPark);
    }
  }

  private bridgeStatus(message: BridgeStatusMessage, mayPark: boolean): HandleResult {
    const { live, directory, sessions } = this.deps;
    const { bridgeId } = message;
    if (!directory.knows(bridgeId)) return mayPark ? PARK : 'UNKNOWN_BRIDGE';
    if (sessions.observe(bridgeId, message.session) === 'stale') return 'STALE_SESSION';
    const online = message.data.state === 'online';
    // The list is the bridge's claim; only machines its credentials cover are taken from it.
    const claimed = online ? message.data.machines.filter((id) => directory.covers(bridgeId, id)) : [];
    live.bridgeLink(bridgeId, online, claimed);
    return 'ACCEPTED';
  }

  private machine(decoded: MachineMessage, mayPark: boolean): HandleResult {
    const { live, directory, sessions } = this.deps;
    const { machineId } = decoded.topic;
    const { bridgeId } = decoded.message;
    if (!live.knows(machineId)) return mayPark ? PARK : 'UNKNOWN_MACHINE';
    if (!directory.covers(bridgeId, machineId)) return mayPark ? PARK : 'NOT_ITS_MACHINE';
    const session = sessions.observe(bridgeId, decoded.message.session);
    if (session === 'stale') return 'STALE_SESSION';
    // A message of a session we have not seen comes from a live connection, whatever the
    // retained status said (the status may simply not have arrived yet).
    if (session === 'newer') live.bridgeLink(bridgeId, true);
    switch (decoded.channel) {
      case 'state': {
        if (this.sequence(bridgeId, machineId, 'state', decoded.message.seq) === 'replay') return 'DUPLICATE';
        live.applyState(machineId, bridgeId, decoded.message.data, Date.parse(decoded.message.ts));
        return 'ACCEPTED';
      }
      case 'events':
        // Late or repeated events are not dropped by seq: msgId is the dedupe key for them.
        this.sequence(bridgeId, machineId, 'events', decoded.message.seq);
        return live.recordEvent(machineId, decoded.message) ? 'ACCEPTED' : 'DUPLICATE';
      case 'availability':
        live.applyAvailability(machineId, bridgeId, decoded.message.data);
        return 'ACCEPTED';
      case 'meta':
        live.applyMeta(machineId, bridgeId, decoded.message.data);
        return 'ACCEPTED';
      case 'telemetry':
        live.applyTelemetry(machineId, bridgeId, decoded.message.data);
        return 'ACCEPTED';
      case 'cmd/res':
        live.touch(machineId, bridgeId);
        this.deps.commandResult(machineId, bridgeId, decoded.message.data);
        return 'ACCEPTED';
      default:
        return 'IGNORED';
    }
  }

  private sequence(bridgeId: string, machineId: string, channel: MachineChannel, seq: number) {
    const verdict = this.deps.sessions.sequence(bridgeId, `${machineId}/${channel}`, seq);
    if (verdict === 'gap') this.deps.resync(bridgeId, machineId);
    return verdict;
  }

  /**
   * A zero-length retained publish carries no envelope, so no bridge can be checked: on an
   * external broker its ACL must keep others from clearing a machine's topics.
   */
  private cleared(decoded: ClearedRetained, mayPark: boolean): HandleResult {
    const { topic } = decoded;
    if (topic.kind === 'service-status') return 'IGNORED';
    if (topic.kind === 'bridge-status') {
      if (!this.deps.directory.knows(topic.bridgeId)) return mayPark ? PARK : 'UNKNOWN_BRIDGE';
      this.deps.live.bridgeLink(topic.bridgeId, false);
      return 'ACCEPTED';
    }
    if (!this.deps.live.knows(topic.machineId)) return mayPark ? PARK : 'UNKNOWN_MACHINE';
    this.deps.live.clearRetained(topic.machineId, decoded.channel as RetainedMachineChannel);
    return 'ACCEPTED';
  }
}
