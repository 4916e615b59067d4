import { describe, expect, it } from '@jest/globals';
import type { LogConfig } from '../config/app-config.js';
import { AppLogger } from './app-logger.js';
import { createRootLogger } from './log-output.js';

function capture(settings: LogConfig): { logger: AppLogger; lines: string[] } {
  const lines: string[] = [];
  const logger = new AppLogger(createRootLogger(settings, { write: (text: string) => lines.push(text) }));
  return { logger, lines };
}

describe('AppLogger', () => {
  it('writes one JSON object per line with level, time, context and message', () => {
    const { logger, lines } = capture({ level: 'info', format: 'json' });
    logger.warn('Broker unreachable', 'MqttService');
    expect(JSON.parse(lines[0])).toEqual({
      level: 'warn',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      context: 'MqttService',
      msg: 'Broker unreachable',
    });
  });

  it('keeps what is below LOG_LEVEL out', () => {
    const { logger, lines } = capture({ level: 'warn', format: 'json' });
    logger.log('routine', 'Ingestion');
    logger.error('broken', 'Ingestion');
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['broken']);
  });

  it('sends Nest’s module and route listing to debug, and keeps the rest at info', () => {
    const { logger, lines } = capture({ level: 'info', format: 'json' });
    logger.log('Mapped {/api/v1/sites, GET} route', 'RouterExplorer');
    logger.log('AppModule dependencies initialized', 'InstanceLoader');
    logger.log('Connected to MQTT broker (embedded)', 'MqttService');
    expect(lines.map((line) => JSON.parse(line).context)).toEqual(['MqttService']);
  });

  it('keeps an error’s stack, whether given as an Error or as Nest’s (message, stack, context)', () => {
    const { logger, lines } = capture({ level: 'info', format: 'json' });
    logger.error('GET /x failed', 'Error: boom\n    at handler (x.ts:1:1)', 'HttpError');
    logger.error(new Error('kaputt'), 'Database');
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({
      context: 'HttpError',
      msg: 'GET /x failed',
      err: { stack: expect.stringMatching(/boom/) },
    });
    expect(second).toMatchObject({ context: 'Database', msg: 'kaputt', err: { message: 'kaputt' } });
  });

  it('writes one readable line per entry in pretty format, request id last', () => {
    const { logger, lines } = capture({ level: 'info', format: 'pretty' });
    logger.requests.run(logger.root.child({ reqId: 'r-1' }), () => logger.log('Sign-in refused', 'Auth'));
    expect(lines).toEqual([
      expect.stringMatching(/^\d{4}-\d\d-\d\d [\d:.]+ INFO {2}\[Auth\] Sign-in refused {2}req=r-1\n$/),
    ]);
  });
});
