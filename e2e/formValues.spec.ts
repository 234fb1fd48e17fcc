import { expect, test } from '@playwright/test';
import { join } from 'node:path';
import { SAMPLES, StudioPage } from './pages/studio';

// Issue 12: bad values typed into the data block's form are named on the problem list, and the
// block built before stays (its counts and show_batch), with no rebuild and no console error.
test('a size of 5000, an empty batch size and a validation % of 100 are named; the built block stays', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  const studio = new StudioPage(page);
  await studio.open();
  await studio.chooseFolder(join(SAMPLES, 'mnist_tiny'));
  expect(await studio.counts()).toEqual({ train: 560, valid: 140, task: 'single' });
  await expect(studio.tiles().first()).toBeVisible({ timeout: 90_000 });

  await page.getByTestId('tfm-size').fill('5000');
  await page.getByTestId('batch-size').fill('');
  await page.getByTestId('block-build').click();
  const problems = page.getByTestId('block-error');
  await expect(problems).toContainText('Size (px) must be a whole number from 8 to 1024, not 5000');
  await expect(problems).toContainText('Batch size must be a whole number from 1 to 1024; it is empty or not a number');
  await expect(page.getByTestId('block-kept')).toBeVisible();
  // What was typed stays in the boxes, so the person sees what the message is about.
  await expect(page.getByTestId('tfm-size')).toHaveValue('5000');
  await expect(page.getByTestId('batch-size')).toHaveValue('');
  expect(await studio.counts()).toEqual({ train: 560, valid: 140, task: 'single' });
  await expect(studio.tiles().first()).toBeVisible();

  // Fixed, the next build goes through and the refusal is gone.
  await page.getByTestId('tfm-size').fill('28');
  await page.getByTestId('batch-size').fill('32');
  await page.getByTestId('split-kind').selectOption('random');
  await page.getByTestId('split-pct').fill('100');
  await page.getByTestId('block-build').click();
  await expect(problems).toContainText('Validation % must be more than 0 and less than 100, not 100: with 100 nothing is left to train on');
  await page.getByTestId('split-pct').fill('25');
  await page.getByTestId('block-build').click();
  await expect(page.getByTestId('block-kept')).toHaveCount(0, { timeout: 90_000 });
  expect(await studio.counts()).toEqual({ train: 525, valid: 175, task: 'single' });
  expect(errors).toEqual([]);
});
