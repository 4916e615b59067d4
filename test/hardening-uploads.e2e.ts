import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { prusaSlicerGcode } from '../src/jobs/metadata/testing/gcode.fixtures.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/** Every file under the job store, incoming uploads included, as paths relative to it. */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)))
    .sort();
}

/**
 * A refused upload leaves nothing behind (issue 15): multer writes the file before the request's
 * fields are judged, so each refusal after that point must take the file away again, or a maker
 * could fill the disk one refused request at a time, each up to the size limit.
 */
describe('uploads that are refused leave nothing on disk', () => {
  let t: TestApp;
  let store: string;
  let maker: { id: string; token: string };
  let otherMaker: { id: string; token: string };
  // Large enough to be written to disk in chunks, small enough to keep the suite quick.
  const file = Buffer.from(prusaSlicerGcode() + '; padding to 3 MB\n'.repeat(170_000));

  beforeAll(async () => {
    t = await startTestApp();
    store = join(t.config.dataDir, 'job-files');
    const admin = await loginAdmin(t);
    maker = await createAccount(t, admin, { role: 'maker' });
    otherMaker = await createAccount(t, admin, { role: 'maker' });
  });
  afterAll(() => t.close());

  const upload = (token: string, fields: Record<string, string>, name = 'keyring.gcode', body = file) => {
    let request = api(t, token).multipart('/api/v1/jobs');
    for (const [key, value] of Object.entries(fields)) request = request.field(key, value);
    return request.attach('file', body, name);
  };

  it.each([
    ['an unknown site', { siteId: 'nowhere' }, 404, 'NOT_FOUND'],
    ['a maker uploading for someone else', { siteId: 'saint-ouen', makerId: 'other' }, 422, 'NOT_ALLOWED'],
    ['a field the form does not have', { siteId: 'saint-ouen', colour: 'red' }, 400, 'VALIDATION_FAILED'],
    ['a site id that is no id', { siteId: '../../etc' }, 400, 'VALIDATION_FAILED'],
  ] as Array<[string, Record<string, string>, number, string]>)(
    '%s: refused, and the file is gone',
    async (_case, fields, status, code) => {
      const before = filesUnder(store);
      const resolved = fields.makerId === 'other' ? { ...fields, makerId: otherMaker.id } : fields;
      const response = await upload(maker.token, resolved);
      expect([response.status, response.body.code]).toEqual([status, code]);
      expect(filesUnder(store)).toEqual(before);
    },
  );

  it('a file no machine takes: refused, and the file is gone', async () => {
    const before = filesUnder(store);
    const response = await upload(maker.token, { siteId: 'saint-ouen' }, 'photo.jpg', Buffer.from('not a job'));
    expect(response.status).toBe(415);
    expect(filesUnder(store)).toEqual(before);
  });

  it('an accepted file is kept once in the store, and nothing stays in incoming', async () => {
    const first = await upload(maker.token, { siteId: 'saint-ouen' });
    expect(first.status).toBe(201);
    const again = await upload(otherMaker.token, { siteId: 'saint-ouen' });
    expect(again.status).toBe(201);
    const sha = first.body.file.sha256 as string;
    expect(filesUnder(store)).toEqual([join(sha.slice(0, 2), sha)]);
  });
});
