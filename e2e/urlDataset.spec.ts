import { expect, test } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SAMPLES, StudioPage } from './pages/studio';

// Another origin than the studio's, as a dataset's host is: one path allows cross-origin reads, one does not.
const PORT = 4181;
let server: Server;
let archive: Buffer;
const hits: string[] = [];

test.beforeAll(async () => {
  const tgz = join(mkdtempSync(join(tmpdir(), 'studio-url-')), 'mnist_tiny.tgz');
  execFileSync('tar', ['-czf', tgz, '-C', SAMPLES, 'mnist_tiny']);
  archive = readFileSync(tgz);
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    if (req.url === '/mnist_tiny.tgz') {
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': archive.length, 'Access-Control-Allow-Origin': '*' });
      res.end(archive);
    } else if (req.url === '/private.tgz') {
      res.writeHead(200, { 'Content-Type': 'application/gzip' });
      res.end(archive);
    } else {
      res.writeHead(404, { 'Access-Control-Allow-Origin': '*' });
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(PORT, '127.0.0.1', resolve));
});
test.afterAll(() => server.close());

test('a dataset from a URL, like untar_data: downloaded with progress, unpacked in the browser, kept for next time, forgotten on request; refusals are named', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  const url = `http://127.0.0.1:${PORT}/mnist_tiny.tgz`;
  await page.getByTestId('url-input').fill(url);
  await page.getByTestId('url-load').click();
  expect(await studio.counts()).toEqual({ train: 560, valid: 140, task: 'single' });
  expect(await studio.classCounts()).toEqual({ '3': [280, 70], '7': [280, 70] });
  const kept = page.getByTestId('url-kept').locator('li');
  await expect(kept).toHaveCount(1);
  await expect(kept).toHaveAttribute('data-bytes', String(archive.length));
  await studio.cellShot('url-input', 'data-url-dataset');
  expect(hits.filter((h) => h === '/mnist_tiny.tgz')).toHaveLength(1);

  // Next visit: it is still there, and loads without a download.
  await page.reload();
  await expect(kept).toHaveCount(1);
  await kept.locator('button').first().click();
  expect((await studio.counts()).train).toBe(560);
  expect(hits.filter((h) => h === '/mnist_tiny.tgz')).toHaveLength(1);
  await page.getByTestId('url-forget').click();
  await expect(page.getByTestId('url-kept')).toHaveCount(0);

  // A server that refuses cross-origin reads, and a missing file, are said plainly.
  await page.getByTestId('url-input').fill(`http://127.0.0.1:${PORT}/private.tgz`);
  await page.getByTestId('url-load').click();
  await expect(page.getByTestId('url-error')).toContainText('refused a cross-origin request');
  await page.getByTestId('url-input').fill(`http://127.0.0.1:${PORT}/missing.tgz`);
  await page.getByTestId('url-load').click();
  await expect(page.getByTestId('url-error')).toContainText('the server answered 404');
});
