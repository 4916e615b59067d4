import { describe, expect, it } from '@jest/globals';
import { configuredOrigins, originAllowed } from './origin.rules.js';

const allowed = configuredOrigins('https://fablab.example', ['https://board.fablab.example:8443']);

describe('originAllowed', () => {
  it('lets programs without an Origin in, as before', () => {
    expect(originAllowed(undefined, 'fablab.example', allowed)).toBe(true);
  });

  it('lets the service’s own pages in, behind a TLS proxy too', () => {
    expect(originAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
    expect(originAllowed('https://10.0.0.5:3000', '10.0.0.5:3000', [])).toBe(true);
    expect(originAllowed('https://fablab.example', 'internal:3000', allowed)).toBe(true);
    expect(originAllowed('https://board.fablab.example:8443', 'internal:3000', allowed)).toBe(true);
  });

  it('keeps other sites’ pages out, look-alikes and odd origins included', () => {
    for (const origin of [
      'https://evil.example',
      'https://fablab.example.evil.example',
      'https://board.fablab.example',
      'http://127.0.0.1:3001',
      'null',
      'file://',
      'chrome-extension://abc',
      'not a url',
    ]) {
      expect([origin, originAllowed(origin, '127.0.0.1:3000', allowed)]).toEqual([origin, false]);
    }
  });
});
