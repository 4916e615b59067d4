import { describe, expect, it } from '@jest/globals';
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandStore } from './command-store.js';
import { nextSession } from './session-store.js';

const HOUR = 3_600_000;
const accepted = (commandId: string) => ({ commandId, status: 'accepted' as const, stage: 'accepted' as const });

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'bridge-store-'));
  let now = Date.UTC(2025, 0, 6);
  const open = () => CommandStore.open(dir, { retentionMs: 24 * HOUR, now: () => now });
  return { dir, open, advance: (ms: number) => (now += ms) };
}

describe('CommandStore', () => {
  it('remembers results and started jobs across a reopen', () => {
    const { open } = setup();
    const store = open();
    store.record({
      machineId: 'mk4',
      commandId: 'c1',
      command: 'start_job',
      startedJobId: 'job-1',
      result: accepted('c1'),
    });
    store.close();
    const reopened = open();
    expect(reopened.get('mk4', 'c1')?.result).toEqual(accepted('c1'));
    expect(reopened.hasStartedJob('mk4', 'job-1')).toBe(true);
    expect(reopened.hasStartedJob('other', 'job-1')).toBe(false);
    expect(reopened.get('other', 'c1')).toBeUndefined();
  });

  it('forgets entries past retention when it opens, and compacts the file', () => {
    const { open, advance, dir } = setup();
    const store = open();
    store.record({ machineId: 'mk4', commandId: 'old', command: 'ping', result: accepted('old') });
    advance(23 * HOUR);
    store.record({ machineId: 'mk4', commandId: 'new', command: 'ping', result: accepted('new') });
    store.close();
    advance(2 * HOUR);
    const reopened = open();
    expect(reopened.get('mk4', 'old')).toBeUndefined();
    expect(reopened.get('mk4', 'new')).toBeDefined();
    expect(readFileSync(join(dir, 'commands.jsonl'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('survives a torn last line from a crash mid-write', () => {
    const { open, dir } = setup();
    const store = open();
    store.record({ machineId: 'mk4', commandId: 'c1', command: 'ping', result: accepted('c1') });
    store.close();
    appendFileSync(join(dir, 'commands.jsonl'), '{"machineId":"mk4","comm');
    let corrupt = 0;
    const reopened = CommandStore.open(dir, {
      retentionMs: HOUR,
      now: () => Date.UTC(2025, 0, 6),
      onCorrupt: (n) => (corrupt = n),
    });
    expect(corrupt).toBe(1);
    expect(reopened.size).toBe(1);
  });
});

describe('nextSession', () => {
  it('counts up across restarts and starts over from a corrupt file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bridge-session-'));
    expect([nextSession(dir), nextSession(dir), nextSession(dir)]).toEqual([1, 2, 3]);
    appendFileSync(join(dir, 'session.json'), 'garbage');
    expect(nextSession(dir)).toBe(1);
  });
});
