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
import { LiveSocketAdapter } from './live/live-socket.adapter.js';
import { configuredOrigins } from './live/origin.rules.js';

/** Builds the whole service (HTTP, database, MQTT) without listening: main.ts and tests share it. */
export async function createApp(config: AppConfig, options: AppOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, options), {
    logger: options.quiet ? ['error'] : ['log', 'warn', 'error'],
    abortOnError: false,
  });
  app.disable('x-powered-by');
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
