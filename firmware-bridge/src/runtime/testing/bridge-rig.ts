// One bridge with a simulated printer, a real broker and a test service, wired like production
// except for the clocks: the simulator and the bridge each run on a VirtualScheduler the test
// moves, while the MQTT traffic is real.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MachineAdapter } from '../adapter.js';
import { Bridge } from '../bridge.js';
import { parseBridgeConfig, type BridgeConfig } from '../config.js';
import { silentLogger } from '../logger.js';
import { adapterRegistry, createAdapters } from '../registry.js';
import { VirtualScheduler } from '../scheduler.js';
import { TestBroker, TestService, type Received } from './mqtt-harness.js';

export const PREFIX = 'fabrique/v1';
export const BRIDGE_ID = 'bridge-1';
export const CLIENT_ID = `fabrique-bridge-${BRIDGE_ID}`;
export const NO_FAULTS = { firstLayerFailureRate: 0, clogRate: 0, userCancelRate: 0, transferFailureRate: 0 };

export interface Rig {
  broker: TestBroker;
  service: TestService;
  bridge: Bridge;
  printer: MachineAdapter;
  config: Readonly<BridgeConfig>;
  /** The simulated printer's time. */
  simClock: VirtualScheduler;
  /** The bridge's own time (heartbeat, telemetry rate, expiry); starts at the wall clock. */
  bridgeClock: VirtualScheduler;
  /** Starts another bridge on the same data directory (a restart). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startRig(): Promise<Rig> {
  const broker = await TestBroker.start();
  const service = await TestService.connect(broker.url, PREFIX, BRIDGE_ID);
  const dataDir = mkdtempSync(join(tmpdir(), 'fabrique-bridge-'));
  const config = parseBridgeConfig(
    {
      bridgeId: BRIDGE_ID,
      broker: { url: broker.url },
      dataDir,
      machines: [
        {
          machineId: 'printer-1',
          adapter: 'simulator-fdm',
          options: { seed: 1, faults: NO_FAULTS, job: { slicerEstimateS: 1800, filamentG: 12, layers: 60 } },
        },
      ],
    },
    dataDir,
    { registry: adapterRegistry, env: {} },
  );
  const simClock = new VirtualScheduler();
  const bridgeClock = new VirtualScheduler(Date.now());
  const build = async () => {
    const [printer] = createAdapters(config, silentLogger, { scheduler: simClock });
    const bridge = new Bridge({ config, adapters: [printer], scheduler: bridgeClock, mqtt: { reconnectPeriod: 50 } });
    await bridge.start();
    return { bridge, printer };
  };
  const rig: Rig = {
    broker,
    service,
    config,
    simClock,
    bridgeClock,
    ...(await build()),
    restart: async () => {
      await rig.bridge.stop();
      Object.assign(rig, await build());
    },
    close: async () => {
      await rig.bridge.stop();
      await service.close();
      await broker.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return rig;
}

export const typeOf = (r: Received) => r.decoded.message.type;

export function isBridgeStatus(state: 'online' | 'offline', session?: number): (r: Received) => boolean {
  return (r) => {
    const m = r.decoded.message;
    return m.type === 'bridge.status' && m.data.state === state && (session === undefined || m.session === session);
  };
}

export function isResultFor(commandId: string): (r: Received) => boolean {
  return (r) => r.decoded.message.type === 'command.result' && r.decoded.message.data.commandId === commandId;
}
