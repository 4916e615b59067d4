import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { randomSecret } from './secrets.js';

/**
 * FABRIQUE_JWT_SECRET when set (required with several instances); otherwise a secret made on
 * first start and kept, owner-readable only, in the data folder so sessions survive restarts.
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) writeFileSync(file, randomSecret(), { mode: 0o600, flag: 'wx' });
  return readFileSync(file, 'utf8').trim();
}
