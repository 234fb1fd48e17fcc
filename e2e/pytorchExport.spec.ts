import { expect, test } from '@playwright/test';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { unzipBundle } from '../src/core/project/zip';
import { SAMPLES, StudioPage, TrainCells } from './pages/studio';

// Export for PyTorch from a trained notebook, train.py resuming from its weights in Node's
// /usr/bin/python3 (Debian's torch), and the result imported back into the page.
test('Export for PyTorch: the zip trains in PyTorch from the page’s weights, and Import project brings the result back', async ({ page }) => {
  const studio = new StudioPage(page);
  const train = new TrainCells(page);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await train.loadMnistTiny(studio);
  await train.buildLearner('smallCnn');
  await train.fit(1, '1e-2');
  expect(await train.runEnded()).toBe('done');
  const [row] = await train.rows();

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-pytorch').click()]);
  expect(download.suggestedFilename()).toMatch(/^studio-single-pytorch-\d{4}-\d\d-\d\d\.zip$/);
  await studio.cellShot('export-pytorch', 'export-pytorch');
  const files = unzipBundle(new Uint8Array(readFileSync(await download.path())));
  for (const name of ['train.py', 'studio_model.py', 'plan.json', 'notebook.ipynb', 'README.md', 'weights/model.json', 'weights/weights.bin', 'weights/studio.json']) expect(files[name], name).toBeDefined();
  const plan = JSON.parse(new TextDecoder().decode(files['plan.json']));
  expect(plan.runs).toEqual([expect.objectContaining({ epochs: 1, lr: 0.01, frozen: false, size: 28, call: 'fit_one_cycle(1, 0.01)' })]);

  const dir = mkdtempSync(join(tmpdir(), 'studio-pytorch-'));
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const out = join(dir, 'out');
  const r = spawnSync('/usr/bin/python3', ['train.py', '--data', join(SAMPLES, 'mnist_tiny'), '--out', out, '--resume', '--epochs', '1', '--lr', '1e-3'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', OMP_NUM_THREADS: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  const final = JSON.parse(r.stdout.trimEnd().split('\n').at(-1)!);
  // PyTorch scores the page's weights on the same validation pictures as the page did.
  expect(final.start.valid_loss).toBeCloseTo(row.valid_loss, 3);
  expect(final.start.accuracy).toBeCloseTo(row.accuracy, 3);

  await page.getByTestId('import-project').setInputFiles(readdirSync(out).map((f) => join(out, f)));
  // The page's epoch and train.py's one, back in the table.
  await expect(page.getByTestId('epoch-row')).toHaveCount(2, { timeout: 60_000 });
  const rows = await train.rows();
  expect(rows[1].accuracy).toBeCloseTo(final.accuracy, 4);
});
