import 'reflect-metadata';
import { resolve } from 'node:path';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { backup, BackupError, restore } from './backup/backup.js';
import { ClockModule } from './common/clock.module.js';
import { ConfigError, loadConfig } from './config/config.loader.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { UsersModule } from './users/users.module.js';
import { UsersService } from './users/users.service.js';
import type { AppConfig } from './config/app-config.js';

const USAGE = `Usage: node dist/cli.js <command>   (or npm run <command> -- …)
  create-admin    creates an admin account from FABRIQUE_ADMIN_EMAIL and FABRIQUE_ADMIN_PASSWORD
                  (read from the environment so the password never lands in the shell history)
  backup DIR      copies the database, job files and secrets into DIR, a new folder, while the service runs
  restore DIR     puts a backup back into an empty data folder and an empty database
Each reads the same configuration as the service (FABRIQUE_CONFIG, FABRIQUE_DATA_DIR, DATABASE_URL, …).`;

class UsageError extends Error {}

async function createAdmin(config: AppConfig): Promise<void> {
  const admin = config.auth.bootstrapAdmin;
  if (!admin) throw new UsageError('FABRIQUE_ADMIN_EMAIL and FABRIQUE_ADMIN_PASSWORD must be set.');
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

async function run(command: string | undefined, folder: string | undefined): Promise<void> {
  if (command === 'create-admin') return createAdmin(loadConfig());
  if ((command !== 'backup' && command !== 'restore') || !folder) throw new UsageError('');
  const config = loadConfig();
  const dir = resolve(folder);
  if (command === 'backup') {
    const manifest = await backup(config, dir);
    process.stdout.write(`Backup in ${dir}: ${manifest.database} database and ${manifest.files} file(s).\n`);
  } else {
    const manifest = await restore(config, dir);
    process.stdout.write(
      `Restored the backup of ${manifest.createdAt} into ${config.dataDir} (${manifest.files} file(s)); start the service.\n`,
    );
  }
}

const [command, folder] = process.argv.slice(2);
run(command, folder).catch((error: unknown) => {
  if (error instanceof UsageError) {
    process.stderr.write(`${error.message ? `${error.message}\n` : ''}${USAGE}\n`);
    process.exit(2);
  }
  const known = error instanceof ConfigError || error instanceof BackupError || error instanceof Error;
  process.stderr.write(`${known ? (error as Error).message : String(error)}\n`);
  process.exit(1);
});
