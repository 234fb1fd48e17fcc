import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumPath } from './chromium';
import { SAMPLES, StudioPage } from './pages/studio';

// A browser whose WebGPU is off: none of the SwiftShader WebGPU flags, and WebGPU disabled.
const NO_WEBGPU = [...CHROMIUM_ARGS.filter((a) => !/webgpu|vulkan/i.test(a)), '--disable-features=WebGPU'];
test.use({ launchOptions: { executablePath: chromiumPath(), args: NO_WEBGPU } });

test('show_batch draws pictures (not black tiles) in a page without WebGPU: the training worker builds the block and draws the batch (issue 13)', async ({ page }) => {
  const studio = new StudioPage(page);
  await studio.open();
  const webgpu = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu ? (await gpu.requestAdapter().catch(() => null)) !== null : false;
  });
  expect(webgpu).toBe(false);
  await studio.chooseFolder(join(SAMPLES, 'mnist_tiny'));
  expect(await studio.counts()).toEqual({ train: 560, valid: 140, task: 'single' });
  await expect(page.getByTestId('block-walk')).toContainText('by ');
  const tiles = await studio.batchTiles();
  expect(tiles).toHaveLength(16);
  for (const t of tiles) {
    expect(['3', '7']).toContain(t.caption);
    // A white digit on black: a bright mean and contrast; a black tile has neither.
    expect(t.mean).toBeGreaterThan(5);
    expect(t.std).toBeGreaterThan(20);
  }
  await studio.cellShot('show-batch', 'show-batch-no-webgpu');
  // The page loads no tfjs at all (tfjs-core makes its engine, `_tfengine`, as it loads): the worker drew the tiles.
  expect(await page.evaluate(() => '_tfengine' in globalThis)).toBe(false);
  // Another draw comes from the worker too: other pictures, still not black.
  const before = tiles.map((t) => t.mean.toFixed(2)).join();
  await page.getByTestId('show-batch-again').click();
  await expect.poll(async () => (await studio.batchTiles()).map((t) => t.mean.toFixed(2)).join(), { timeout: 30_000 }).not.toBe(before);
  for (const t of await studio.batchTiles()) expect(t.std).toBeGreaterThan(20);
  await studio.screenshot('show-batch-no-webgpu-page');
});
