import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/auth.decorators.js';
import { DomainError, UnauthenticatedError } from '../common/domain-error.js';
import type { AppConfig } from '../config/app-config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { metricsAuthorized } from './metrics-access.js';
import { MetricsService } from './metrics.service.js';

class MetricsOffError extends DomainError {
  readonly code = 'METRICS_OFF';
  readonly kind = 'not_found';
}

/**
 * `GET /metrics` on the service's own port, for Prometheus: only with `metrics.token`
 * (METRICS_TOKEN) as a bearer token. With `metrics.port` and no token they are served there only.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MetricsService) private readonly metrics: MetricsService,
  ) {}

  @Public()
  @Get()
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    const { token, port } = this.config.metrics;
    if (token === undefined) {
      throw new MetricsOffError(
        port === undefined
          ? 'Metrics are off: set METRICS_TOKEN (metrics.token), or METRICS_PORT (metrics.port) for a port of their own.'
          : `Metrics are served on port ${port}.`,
      );
    }
    if (!metricsAuthorized(token, request.get('authorization'))) {
      throw new UnauthenticatedError('Metrics need the bearer token set in METRICS_TOKEN.');
    }
    const { contentType, body } = await this.metrics.text();
    response.type(contentType).send(body);
  }
}
