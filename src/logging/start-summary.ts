import { isAbsolute, join, resolve } from 'node:path';
import type { AppConfig } from '../config/app-config.js';

export interface RunningFacts {
  /** The HTTP server's bound port. */
  httpPort: number;
  /** The embedded broker's bound port, or null with an external broker. */
  embeddedMqttPort: number | null;
}

/** A URL without its user name and password: the start's lines end up in log files. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an unreadable URL)';
  }
}

/** What runs where, in a few lines an operator reads at every start. */
export function startSummary(config: AppConfig, facts: RunningFacts): string[] {
  const dataDir = isAbsolute(config.dataDir) ? config.dataDir : resolve(config.dataDir);
  const machines = config.sites.reduce((sum, site) => sum + site.machines.length, 0);
  const { database, mqtt, metrics } = config;
  const databaseLine =
    database.driver === 'sqlite'
      ? `SQLite file ${join(dataDir, database.file)}`
      : `PostgreSQL ${withoutCredentials(database.url)}${database.schema ? ` (schema ${database.schema})` : ''}`;
  const mqttLine =
    facts.embeddedMqttPort !== null
      ? `embedded broker on ${mqtt.embedded.host}:${facts.embeddedMqttPort}`
      : `broker ${withoutCredentials(mqtt.url ?? '')}${mqtt.dynamicSecurity ? ', bridge accounts provisioned through dynamic security' : ''}`;
  const metricsLine =
    metrics.port !== undefined
      ? `http://${metrics.host}:${metrics.port}/metrics${metrics.token ? ' (bearer token)' : ''}`
      : metrics.token
        ? '/metrics on the HTTP port (bearer token)'
        : 'off (set METRICS_TOKEN or METRICS_PORT)';
  return [
    `${config.network.name}: ${config.sites.length} site(s), ${machines} machine(s) from ${config.source}`,
    `HTTP      http://${config.server.host}:${facts.httpPort} (public URL ${config.server.publicUrl}; API docs /api/docs, health /health)`,
    `Database  ${databaseLine}`,
    `MQTT      ${mqttLine}, topic prefix ${mqtt.topicPrefix}`,
    `Data      ${dataDir} (job files and secrets: back it up with npm run backup -- DIR)`,
    `Metrics   ${metricsLine}`,
    ...(config.demo.simulatedBridges ? ['Demo      simulated bridges run for the configured machines'] : []),
  ];
}
