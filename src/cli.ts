import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClockModule } from './common/clock.module.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';
import type { AppConfig } from './config/app-config.js';

const USAGE = `Usage: FABRIQUE_ADMIN_EMAIL=… FABRIQUE_ADMIN_PASSWORD=… node dist/cli.js create-admin
Creates an admin account in the configured database (the password is read from the environment
so it never lands in the shell history or the process list).`;

async function createAdmin(config: AppConfig): Promise<void> {
  const admin = config.auth.bootstrapAdmin;
  if (!admin) throw new Error(`FABRIQUE_ADMIN_EMAIL and FABRIQUE_ADMIN_PASSWORD must be set.\n${USAGE}`);
  @Module({ imports: [ConfigModule.forRoot(config), ClockModule.forRoot(), DatabaseModule, UsersModule] })
  class CliModule {}
  const app = await NestFactory.createApplicationContext(CliModule, { logger: ['warn', 'error'] });
  try {
    const users = app.get(UsersService);
    const user = await users.create({
      role: 'admin',
      displayName: 'Administrator',
      email: admin.email,
      password: admin.password,
    });
    process.stdout.write(`Admin account created: ${user.email}\n`);
  } finally {
    await app.close();
  }
}

const [command] = process.argv.slice(2);
if (command !== 'create-admin') {
  process.stderr.write(`${USAGE}\n`);
  process.exit(2);
}
createAdmin(loadConfig()).catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
