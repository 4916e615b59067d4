import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { merge, type Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { IngestionService } from '../bridge/ingestion.service.js';
import { routeOf } from '../common/request-route.js';
import { WriteLock } from '../database/write-lock.js';
import { LiveGateway } from '../live/live.gateway.js';
import { LiveService } from '../live/live.service.js';
import { MachineLiveEvents } from '../machines/machine-live-events.js';
import { MachineLiveService } from '../machines/machine-live.service.js';
import { BookingEvents } from '../reservations/reservation-events.js';

/** pg's Pool, reduced to its counters. */
interface PoolCounters {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

let processRegistry: Registry | undefined;

/**
 * Process-wide metrics (CPU, memory, event-loop lag, GC) are collected once per process: they
 * describe the process, and their monitors would pile up with each app a test suite starts.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, eventLoopMonitoringPrecision: 20 });
  }
  return processRegistry;
}

/**
 * Everything `/metrics` reports. The hot paths pay one histogram observation per HTTP request and
 * one map write per live event; every other figure (MQTT outcomes, screens, bridges, jobs,
 * outbox, database) is read from its owner when Prometheus scrapes.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnModuleDestroy {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'fabrique_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status, with their duration.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly fanOut = new Histogram({
    name: 'fabrique_live_fanout_seconds',
    help: 'From a machine or booking change to the update sent to the screens of its site.',
    buckets: [0.01, 0.05, 0.1, 0.15, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  /** First unsent change per site (monotonic ms). */
  private readonly pending = new Map<string, number>();
  private subscriptions: Subscription[] = [];

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(WriteLock) private readonly writeLock: WriteLock,
    @Inject(IngestionService) private readonly ingestion: IngestionService,
    @Inject(MachineLiveService) private readonly machineLive: MachineLiveService,
    @Inject(MachineLiveEvents) private readonly machineEvents: MachineLiveEvents,
    @Inject(BookingEvents) private readonly bookingEvents: BookingEvents,
    @Inject(LiveService) private readonly live: LiveService,
    @Inject(ModuleRef) private readonly moduleRef: ModuleRef,
  ) {
    this.defineScrapedMetrics();
  }

  /** Express middleware: one histogram observation when the response is sent. */
  readonly observeHttp = (request: Request, response: Response, next: NextFunction): void => {
    const end = this.httpDuration.startTimer();
    response.once('finish', () =>
      end({ method: request.method, route: routeOf(request), status: String(response.statusCode) }),
    );
    next();
  };

  onApplicationBootstrap(): void {
    this.subscriptions = [
      merge(this.machineEvents.events$, this.bookingEvents.events$).subscribe(({ siteId }) => {
        if (!this.pending.has(siteId)) this.pending.set(siteId, performance.now());
      }),
      this.live.updates$.subscribe(({ siteId }) => {
        const since = this.pending.get(siteId);
        if (since === undefined) return; // the minute tick: no change was waiting
        this.pending.delete(siteId);
        this.fanOut.observe((performance.now() - since) / 1000);
      }),
    ];
  }

  onModuleDestroy(): void {
    for (const subscription of this.subscriptions) subscription.unsubscribe();
  }

  /** The Prometheus text exposition of this service and its process. */
  async text(): Promise<{ contentType: string; body: string }> {
    const own = await this.registry.metrics();
    return { contentType: this.registry.contentType, body: `${own}\n${await processMetrics().metrics()}` };
  }

  private defineScrapedMetrics(): void {
    const registers = [this.registry];
    const ingestion = this.ingestion;
    new Counter({
      name: 'fabrique_mqtt_messages_total',
      help: 'Messages from bridges by what ingestion did with them (ACCEPTED, DUPLICATE, or why it dropped them).',
      labelNames: ['outcome'] as const,
      registers,
      collect() {
        this.reset();
        for (const [outcome, count] of Object.entries(ingestion.stats().outcomes)) this.inc({ outcome }, count);
      },
    });
    const moduleRef = this.moduleRef;
    new Gauge({
      name: 'fabrique_live_screens',
      help: 'Kiosk and staff screens connected to /live, by audience.',
      labelNames: ['audience'] as const,
      registers,
      collect() {
        this.reset();
        const counts = { kiosk: 0, staff: 0 };
        const rooms = moduleRef.get(LiveGateway, { strict: false }).server?.adapter.rooms ?? new Map();
        for (const [room, sockets] of rooms) {
          const audience = String(room).split(':').at(-1);
          if (audience === 'kiosk' || audience === 'staff') counts[audience] += sockets.size;
        }
        for (const [audience, count] of Object.entries(counts)) this.set({ audience }, count);
      },
    });
    const machineLive = this.machineLive;
    new Gauge({
      name: 'fabrique_bridges_online',
      help: 'Firmware bridges whose connection to the broker is up.',
      registers,
      collect() {
        this.set(machineLive.onlineBridges());
      },
    });
    const dataSource = this.dataSource;
    new Gauge({
      name: 'fabrique_jobs',
      help: 'Jobs by state.',
      labelNames: ['state'] as const,
      registers,
      async collect() {
        const rows: Array<{ state: string; count: string | number }> = await dataSource.query(
          'SELECT state, COUNT(*) AS count FROM jobs GROUP BY state',
        );
        this.reset();
        for (const row of rows) this.set({ state: row.state }, Number(row.count));
      },
    });
    new Gauge({
      name: 'fabrique_outbox_pending',
      help: 'Job commands sent or waiting to be sent that no bridge has answered yet.',
      registers,
      async collect() {
        const [row] = await dataSource.query(`SELECT COUNT(*) AS count FROM job_commands WHERE status = 'pending'`);
        this.set(Number((row as { count: string | number }).count));
      },
    });
    const writeLock = this.writeLock;
    new Gauge({
      name: 'fabrique_db_writes_in_flight',
      help: 'Database writes waiting for their turn or running (SQLite has one writer).',
      registers,
      collect() {
        this.set(writeLock.inFlight);
      },
    });
    new Gauge({
      name: 'fabrique_db_pool_connections',
      help: 'PostgreSQL connection pool: total, idle, and callers waiting for a connection.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const pool = (dataSource.driver as { master?: PoolCounters }).master;
        if (dataSource.options.type !== 'postgres' || !pool) return;
        this.set({ state: 'total' }, pool.totalCount);
        this.set({ state: 'idle' }, pool.idleCount);
        this.set({ state: 'waiting' }, pool.waitingCount);
      },
    });
  }
}
