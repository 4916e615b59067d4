import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule, type AppOptions } from './app.module.js';
import { HttpErrorFilter } from './common/http-error.filter.js';
import { jsonBodyOptions } from './common/json-body.js';
import { securityHeaders } from './common/security-headers.js';
import { RejectNulBytesPipe } from './common/reject-nul.pipe.js';
import { createValidationPipe } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { AppLogger } from './logging/app-logger.js';
import { createRootLogger } from './logging/log-output.js';
import { requestLogging } from './logging/request-logging.js';
import { MetricsService } from './metrics/metrics.service.js';
import { LiveSocketAdapter } from './live/live-socket.adapter.js';
import { configuredOrigins } from './live/origin.rules.js';

/** Builds the whole service (HTTP, database, MQTT) without listening: main.ts and tests share it. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const logger = new AppLogger(createRootLogger(options.quiet ? { ...config.log, level: 'error' } : config.log));
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    logger,
    abortOnError: false,
  });
  app.disable('x-powered-by');
  // Behind a reverse proxy, the client's address is in X-Forwarded-For; it is believed only from
  // the proxies `server.trustProxy` names, or anyone could pick the address each limit counts.
  app.set('trust proxy', config.server.trustProxy);
  app.use(requestLogging(logger), app.get(MetricsService).observeHttp);
  app.use(securityHeaders);
  app.useWebSocketAdapter(
    new LiveSocketAdapter(app, configuredOrigins(config.server.publicUrl, config.server.allowedOrigins)),
  );
  // Registered before Nest's default parser, which then stands aside: every JSON body is bounded here.
  app.useBodyParser('json', jsonBodyOptions);
  app.useGlobalFilters(new HttpErrorFilter());
  app.useGlobalPipes(new RejectNulBytesPipe(), createValidationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Fabrique API')
      .setDescription('Bookings, machines and live state for community fablabs.')
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
