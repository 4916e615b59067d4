// commandId → result, persisted, so a command the service re-sends from its outbox (after a
// crash on either side, or a lost PUBACK) is answered with the stored result instead of being
// run twice — CONTRACT.md "Delivery". JSON lines: appends are cheap and a torn last line (crash
// mid-write) loses only that line. No node:sqlite on Node 20, and no native module for this.
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandName, CommandResult } from '../contract/index.js';

export interface StoredCommand {
  machineId: string;
  commandId: string;
  command: CommandName;
  /** Set when the command started a job (start_job / load_design accepted). */
  startedJobId?: string;
  result: CommandResult;
  /** ms since the epoch. */
  at: number;
}

export interface CommandStoreOptions {
  retentionMs: number;
  now: () => number;
  /** Called with a count of unreadable lines found at open (logged by the caller). */
  onCorrupt?: (lines: number) => void;
}

const FILE = 'commands.jsonl';
/** Rewrite the file once it holds this many appends since the last compaction. */
const COMPACT_EVERY = 10_000;

const key = (machineId: string, id: string) => `${machineId}\u0000${id}`;

function isStored(v: unknown): v is StoredCommand {
  const s = v as StoredCommand;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof s.machineId === 'string' &&
    typeof s.commandId === 'string' &&
    typeof s.at === 'number' &&
    typeof s.result === 'object' &&
    s.result !== null
  );
}

export class CommandStore {
  private readonly byCommand = new Map<string, StoredCommand>();
  private readonly jobs = new Map<string, number>();
  private fd: number | null = null;
  private appended = 0;

  private constructor(
    private readonly path: string,
    private readonly options: CommandStoreOptions,
  ) {}

  static open(dataDir: string, options: CommandStoreOptions): CommandStore {
    mkdirSync(dataDir, { recursive: true });
    const store = new CommandStore(join(dataDir, FILE), options);
    store.load();
    store.compact();
    return store;
  }

  get(machineId: string, commandId: string): StoredCommand | undefined {
    return this.byCommand.get(key(machineId, commandId));
  }

  hasStartedJob(machineId: string, jobId: string): boolean {
    return this.jobs.has(key(machineId, jobId));
  }

  get size(): number {
    return this.byCommand.size;
  }

  /** Durable before it returns (fsync), so a result is never published and then forgotten. */
  record(entry: Omit<StoredCommand, 'at'>): StoredCommand {
    const stored: StoredCommand = { ...entry, at: this.options.now() };
    this.remember(stored);
    if (this.fd === null) this.fd = openSync(this.path, 'a');
    writeSync(this.fd, `${JSON.stringify(stored)}\n`);
    fsyncSync(this.fd);
    if (++this.appended >= COMPACT_EVERY) this.compact();
    return stored;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private remember(stored: StoredCommand): void {
    this.byCommand.set(key(stored.machineId, stored.commandId), stored);
    if (stored.startedJobId) this.jobs.set(key(stored.machineId, stored.startedJobId), stored.at);
  }

  private load(): void {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    let corrupt = 0;
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      try {
        const parsed: unknown = JSON.parse(line);
        if (isStored(parsed)) this.remember(parsed);
        else corrupt++;
      } catch {
        corrupt++;
      }
    }
    if (corrupt > 0) this.options.onCorrupt?.(corrupt);
  }

  /** Drops entries past retention and rewrites the file (write-then-rename). */
  private compact(): void {
    const cutoff = this.options.now() - this.options.retentionMs;
    for (const [k, v] of this.byCommand) if (v.at < cutoff) this.byCommand.delete(k);
    for (const [k, at] of this.jobs) if (at < cutoff) this.jobs.delete(k);
    const lines = [...this.byCommand.values()].map((v) => `${JSON.stringify(v)}\n`).join('');
    this.close();
    writeFileSync(`${this.path}.tmp`, lines);
    renameSync(`${this.path}.tmp`, this.path);
    this.appended = 0;
  }
}
