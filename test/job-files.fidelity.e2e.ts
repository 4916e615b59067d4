import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { readSample, sampleNames } from '../src/jobs/metadata/testing/fidelity-data.js';
import { api, createAccount, loginAdmin } from './support/http.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const SITE = 'saint-ouen';

/** The samples that are no job to run (SOURCES.md): an unsliced Bambu Studio project, an empty design. */
const NOT_JOBS: Record<string, string> = {
  'A1_Azura_V2.upd.X1.FlushTest.3mf': 'model-3mf',
  'nothingV6.pes': 'empty-design',
};

/** A binary STL: 80-byte header, triangle count, 50 bytes per triangle. */
function binaryStl(triangles: number): Buffer {
  const file = Buffer.alloc(84 + 50 * triangles);
  file.write('Exported from a CAD program', 0, 'latin1');
  file.writeUInt32LE(triangles, 80);
  return file;
}

/**
 * Uploads of files written by other programs, through the real service: what a slicer or an
 * embroidery program exports becomes a draft, and what a beginner uploads by mistake (a model that
 * was never sliced, random bytes) is refused before anything can be queued or "printed".
 */
describe('uploading job files', () => {
  let t: TestApp;
  let maker: { token: string };

  beforeAll(async () => {
    t = await startTestApp();
    maker = await createAccount(t, await loginAdmin(t), { role: 'maker' });
  });

  afterAll(async () => {
    await t?.close();
  });

  const upload = (file: Buffer, name: string) =>
    api(t, maker.token).multipart('/api/v1/jobs').field('siteId', SITE).attach('file', file, name);
  const myJobs = async () => (await api(t, maker.token).get('/api/v1/jobs')).body as Array<{ id: string }>;

  it('refuses an STL named .gcode with a 422 that says it is a 3D model to slice first, and queues nothing', async () => {
    const before = (await myJobs()).length;
    const response = await upload(binaryStl(200), 'benchy.gcode');
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'NOT_A_JOB_FILE', field: 'file', details: { detected: 'model' } });
    expect(response.body.message).toMatch(
      /^This file is not G-code: it looks like a 3D model \(binary STL\)\. Slice it first/,
    );
    expect((await myJobs()).length).toBe(before);
  });

  it('refuses random bytes under a job extension', async () => {
    const response = await upload(randomBytes(4096), 'print.gcode');
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'NOT_A_JOB_FILE', field: 'file', details: { detected: 'binary' } });
  });

  it.each(Object.entries(NOT_JOBS))('refuses the sample %s (%s) with its reason', async (name, detected) => {
    const folder = name.endsWith('.pes') ? 'embroidery' : 'print';
    const response = await upload(readSample(folder, name), name);
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'NOT_A_JOB_FILE', field: 'file', details: { detected } });
  });

  const jobSamples = ['print', 'embroidery'].flatMap((folder) =>
    sampleNames(folder)
      .filter((name) => !(name in NOT_JOBS))
      .map((name) => [folder, name] as const),
  );

  it.each(jobSamples)('takes %s/%s as a draft of its kind', async (folder, name) => {
    const response = await upload(readSample(folder, name), name);
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({
      state: 'draft',
      kind: folder === 'print' ? 'fdm_printer' : 'embroidery',
    });
  });
});
