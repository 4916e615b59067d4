import type { AddressInfo } from 'node:net';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { MqttService } from './bridge/mqtt.service.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import { startSummary } from './logging/start-summary.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.server.port, config.server.host);
  const logger = new Logger('Fabrique');
  for (const notice of config.notices) logger.warn(notice);
  const address = app.getHttpServer().address() as AddressInfo;
  const facts = { httpPort: address.port, embeddedMqttPort: app.get(MqttService).embeddedPort };
  for (const line of startSummary(config, facts)) logger.log(line);
}

main().catch((error: unknown) => {
  // A bad config or a busy port is the user's to fix: one clear line, no stack trace.
  if (error instanceof ConfigError || (error instanceof Error && error.name === 'BrokerStartError')) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Fabrique failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
