import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { metricsAuthorized } from './metrics-access.js';
import { MetricsService } from './metrics.service.js';

/**
 * `metrics.port` (METRICS_PORT): `/metrics` on a port of its own, bound to `metrics.host`
 * (127.0.0.1 by default), so Prometheus can scrape it without the public port exposing it.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { port, host, token } = this.config.metrics;
    if (port === undefined) return;
    const server = createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
      } else if (!metricsAuthorized(token, request.headers.authorization)) {
        response.writeHead(401).end();
      } else {
        this.metrics.text().then(
          ({ contentType, body }) => response.writeHead(200, { 'Content-Type': contentType }).end(body),
          (error: Error) => {
            this.logger.error(`Metrics could not be collected: ${error.message}`, error.stack);
            response.writeHead(500).end();
          },
        );
      }
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
