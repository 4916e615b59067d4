import { describe, expect, it } from '@jest/globals';
import { payloadNames, readPayload } from '../../testing/fidelity-payloads.js';
import { list, rec } from '../native-kit/read.js';
import { fromPush, fromRest, phaseOf, type OctoPhase, type OctoStatus } from './octoprint-status.js';

// OctoPrint's documented answers in ../shared/fidelity-data/payloads/octoprint (docs/api/printer.rst
// and job.rst, API 2.0.0), read as the REST fallback reads them, and the push socket's `current`
// message assembled from them as docs/api/push.rst describes it, for every state an OctoPrint 2.0
// printer connector can be in.

const EXPECTED_REST: Record<string, Partial<OctoStatus> & { phase: OctoPhase }> = {
  'docs-api-printer-example1.json': {
    text: 'Operational',
    phase: 'idle',
    temps: {
      nozzle: { current: 214.8821, target: 220 },
      nozzle1: { current: 25.3, target: null },
      bed: { current: 50.221, target: 70 },
    },
  },
  'docs-api-printer-example2.json': { text: 'Operational', phase: 'idle' }, // state only, no heaters
  'docs-api-job-example.json': {
    text: 'Printing',
    phase: 'running',
    fileName: 'whistle_v2.gcode',
    completion: 0.2298468264184775,
    printTimeS: 276,
    printTimeLeftS: 912,
    filepos: 337942,
  },
};

/** GET /api/printer and GET /api/job are polled together; each sample is one of the two answers. */
function readRest(name: string): OctoStatus {
  const payload = readPayload('octoprint', name);
  return name.includes('-job-') ? fromRest({}, payload) : fromRest(payload, {});
}

// src/octoprint/printer/connection.py (OctoPrint 2.0): the states and the sets the flags come from.
const OPERATIONAL = ['Operational', 'Starting', 'Printing', 'Pausing', 'Paused', 'Resuming', 'Cancelling', 'Finishing'];
const PRINTING = ['Starting', 'Printing', 'Pausing', 'Paused', 'Resuming', 'Cancelling', 'Finishing'];
const CLOSED_OR_ERROR = ['Offline', 'Error', 'Offline after error'];

/** The flags standard.py `_get_state_flags` computes for a connector state (`ready` is `is_operational`). */
function flagsFor(text: string): Record<string, boolean> {
  const operational = OPERATIONAL.includes(text) || text === 'Transferring file to printer';
  return {
    operational,
    printing: PRINTING.includes(text),
    cancelling: text === 'Cancelling',
    pausing: text === 'Pausing',
    resuming: text === 'Resuming',
    finishing: text === 'Finishing',
    closedOrError: CLOSED_OR_ERROR.includes(text),
    error: text === 'Error',
    paused: text === 'Paused',
    ready: operational,
    sdReady: false,
  };
}

const CONNECTOR_STATES: Array<[string, OctoPhase]> = [
  ['Detecting', 'initializing'],
  ['Connecting', 'initializing'],
  ['Operational', 'idle'],
  ['Starting', 'preparing'],
  ['Printing', 'running'],
  ['Pausing', 'pausing'],
  ['Paused', 'paused'],
  ['Resuming', 'running'],
  ['Cancelling', 'stopping'],
  ['Finishing', 'running'],
  ['Offline', 'offline'],
  ['Error', 'error'],
  ['Offline after error', 'error'],
  ['Transferring file to printer', 'busy'],
];

describe('OctoPrint answers from fidelity-data/payloads/octoprint', () => {
  it.each(payloadNames('octoprint'))('reads %s as the REST fallback does', (name) => {
    const expected = EXPECTED_REST[name];
    if (expected === undefined) throw new Error(`octoprint/${name} is new: add what it should read as to this table`);
    const { phase, ...status } = expected;
    const read = readRest(name);
    expect(read).toMatchObject(status);
    expect(phaseOf(read)).toBe(phase);
  });

  it.each(CONNECTOR_STATES)('reads a push `current` in the 2.0 connector state "%s" as %s', (text, phase) => {
    const job = readPayload('octoprint', 'docs-api-job-example.json');
    const printer = readPayload('octoprint', 'docs-api-printer-example1.json');
    const current = {
      state: { text, flags: flagsFor(text) },
      job: job.job,
      progress: job.progress,
      // push.rst: the samples since the last message, oldest first (printer.rst lists its history newest first)
      temps: list(rec(printer.temperature).history).sort((a, b) => Number(rec(a).time) - Number(rec(b).time)),
      logs: [],
    };
    const status = fromPush(current);
    expect(status).toMatchObject({
      text,
      fileName: 'whistle_v2.gcode',
      printTimeLeftS: 912,
      temps: {
        nozzle: { current: 214.8821, target: 220 },
        nozzle1: { current: 25.3, target: null },
        bed: { current: 50.221, target: 70 },
      },
    });
    expect(phaseOf(status!)).toBe(phase);
  });
});
