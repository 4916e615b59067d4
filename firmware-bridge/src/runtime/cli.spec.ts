import { describe, expect, it } from '@jest/globals';
import { parseArgs } from './cli.js';

describe('fabrique-bridge arguments', () => {
  it('needs --config and accepts a log level', () => {
    expect(parseArgs(['--config', 'b.yaml'])).toEqual({ config: 'b.yaml', logLevel: 'info' });
    expect(parseArgs(['-c', 'b.yaml', '--log-level=debug'])).toEqual({ config: 'b.yaml', logLevel: 'debug' });
    expect(parseArgs([])).toEqual({ error: '--config is required' });
    expect(parseArgs(['--config', 'b.yaml', '--log-level', 'loud'])).toMatchObject({ error: expect.any(String) });
    expect(parseArgs(['--verbose'])).toEqual({ error: 'unknown argument --verbose' });
    expect(parseArgs(['--help'])).toEqual({ help: true });
  });
});
