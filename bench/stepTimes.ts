/**
 * Measures training step time of the studio, per backend, in real headless Chromium: the built
 * app is served, mnist_tiny loads at 28 px, a small CNN fits one epoch, and the epoch time is
 * read from fastai's table. Prints JSON. Run: `npm run bench` (after `npm run build`).
 */
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const PORT = 4179;
const BACKENDS = (process.argv[2] ?? 'webgpu,webgl,cpu').split(',');
const ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-webgpu-adapter=swiftshader', '--use-angle=swiftshader', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

async function waitForServer(url: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server at ${url} did not start`);
}

async function measure(backend: string, browser: import('@playwright/test').Browser) {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${PORT}/?backend=${backend}`);
  await page.getByTestId('backend').filter({ hasText: backend }).waitFor({ timeout: 60_000 });
  await page.getByTestId('sample-load').click();
  await page.getByTestId('show-batch-item').first().waitFor({ timeout: 90_000 });
  await page.getByTestId('tfm-size').fill('28');
  await page.getByTestId('block-build').click();
  await page.getByText('augmented training images at 28px').waitFor({ timeout: 60_000 });
  await page.getByTestId('learner-build').click();
  await page.getByTestId('learner-summary').waitFor({ timeout: 60_000 });
  await page.getByTestId('fit-epochs').fill('2');
  await page.getByTestId('lr-input').fill('1e-2');
  await page.getByTestId('fit-run').click();
  await page.locator('[data-testid=fit-run-output][data-status=done]').waitFor({ timeout: 900_000 });
  const rows = await page.getByTestId('epoch-row').evaluateAll((rs) => rs.map((r) => Object.fromEntries(Array.from(r.querySelectorAll('td[data-col]')).map((td) => [td.getAttribute('data-col'), td.textContent ?? '']))));
  await page.close();
  // The second epoch excludes warm-up (shader compilation); 9 training batches of <= 64 + validation.
  const [mm, ss] = rows[1].time.split(':').map(Number);
  const seconds = mm * 60 + ss;
  return { backend, epochSeconds: seconds, imagesPerSecond: +(700 / seconds).toFixed(1), accuracy: Number(rows[1].accuracy) };
}

async function main() {
  if (!existsSync('dist/index.html')) throw new Error('run `npm run build` first');
  const server = spawn('npx', ['vite', 'preview', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'], { stdio: 'ignore' });
  try {
    await waitForServer(`http://127.0.0.1:${PORT}/`);
    const executablePath = process.env.CHROMIUM_PATH ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : undefined);
    const browser = await chromium.launch({ executablePath, args: ARGS });
    const results = [];
    for (const backend of BACKENDS) results.push(await measure(backend, browser));
    await browser.close();
    console.log(JSON.stringify({ bench: 'one studio epoch on mnist_tiny (560 training steps-worth of images + 140 validation), small CNN, 28px, batch 64; imagesPerSecond counts both', results }, null, 2));
  } finally {
    server.kill();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
