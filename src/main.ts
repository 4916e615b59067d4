import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.loader.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen(config.server.port, config.server.host);
  const logger = new Logger('Fabrique');
  logger.log(`${config.network.name}: ${config.sites.length} site(s) from ${config.source}`);
  logger.log(`Listening on ${await app.getUrl()} — API docs at /api/docs, health at /health`);
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
