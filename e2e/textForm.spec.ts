import { expect, test, type Page } from '@playwright/test';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spamCsv } from '../src/state/testing/spamCsv';
import { SAMPLES, StudioPage } from './pages/studio';

const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';

/** The summary's numbers: texts per split, the classes, the vocabulary's size. */
async function summary(page: Page) {
  const text = async (id: string) => Number(await page.getByTestId(id).textContent());
  const classes = await page.getByTestId('class-count').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-class')));
  return { train: await text('count-train'), valid: await text('count-valid'), classes, vocab: Number(await page.getByTestId('text-vocab').getAttribute('data-vocab')) };
}

test('text form: a CSV whose guess took the wrong label column is fixed in the form, a bad value is refused, and the rebuild survives a reload', async ({ page }) => {
  // The real spam_tiny e-mails as one CSV whose `batch` column (a, b, c) comes before `kind`: the guess takes `batch` for the labels.
  const { csv, rows, valid } = spamCsv(join(SAMPLES, 'spam_tiny'));
  const path = join(mkdtempSync(join(tmpdir(), 'textform-')), 'emails.csv');
  writeFileSync(path, csv);
  const studio = new StudioPage(page);
  await studio.open();
  await studio.addFiles([path]);
  await studio.counts();
  const guessed = await summary(page);
  expect(guessed).toMatchObject({ train: rows - valid, valid, classes: ['a', 'b', 'c'] });
  await expect(page.getByTestId('text-spec-source')).toHaveValue('csv');
  await expect(page.getByTestId('text-spec-csv')).toHaveValue('emails.csv');
  await expect(page.getByTestId('text-spec-text-column')).toHaveValue('subject_and_body');
  await expect(page.getByTestId('text-spec-label-column')).toHaveValue('batch');
  await expect(page.getByTestId('text-spec-valid-column')).toHaveValue('is_valid');
  const columns = await page
    .getByTestId('text-spec-label-column')
    .locator('option')
    .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(columns).toEqual(['id', 'batch', 'subject_and_body', 'kind', 'is_valid']);

  // Labels from `kind`, split at random: a share of 1.5 is named under its field and nothing is rebuilt.
  await page.getByTestId('text-spec-label-column').selectOption('kind');
  await page.getByTestId('text-spec-valid-column').selectOption('');
  await page.getByTestId('text-spec-valid-pct').fill('1.5');
  await page.getByTestId('text-spec-build').click();
  await expect(page.getByTestId('text-spec-error')).toHaveAttribute('data-field', 'validPct');
  await expect(page.getByTestId('text-spec-error')).toContainText('Validation share must be a number more than 0 and less than 1');
  await expect(page.getByTestId('text-spec-kept')).toBeVisible();
  mkdirSync(SHOTS, { recursive: true });
  await page.getByTestId('text-spec').screenshot({ path: join(SHOTS, 'textform-refused.png') });
  expect(await summary(page)).toEqual(guessed);

  // Fixed: half the texts held out at random, words kept only when seen 5 times.
  await page.getByTestId('text-spec-valid-pct').fill('0.5');
  await page.getByTestId('text-spec-min-freq').fill('5');
  await page.getByTestId('text-spec-build').click();
  await expect(page.locator('[data-testid="class-count"][data-class="spam"]')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('text-spec-error')).toHaveCount(0);
  const rebuilt = await summary(page);
  console.log(`text form e2e: guessed ${JSON.stringify(guessed)}; rebuilt ${JSON.stringify(rebuilt)}`);
  expect(rebuilt.classes).toEqual(['ham', 'spam']);
  expect(rebuilt.train + rebuilt.valid).toBe(rows);
  expect(rebuilt.valid).toBeGreaterThan(0.4 * rows);
  expect(rebuilt.valid).toBeLessThan(0.6 * rows);
  expect(rebuilt.vocab).toBeLessThan(guessed.vocab);
  await expect(page.getByTestId('text-vocab')).toContainText('words seen at least 5 times');
  await page.getByTestId('text-spec').screenshot({ path: join(SHOTS, 'textform.png') });
  await studio.screenshot('text-form-page');

  // Autosave keeps the edited spec: after a reload the same CSV, chosen again, is built with it.
  await page.waitForTimeout(2_000);
  await page.reload();
  await expect(page.getByTestId('reselect-notice')).toBeVisible({ timeout: 60_000 });
  await studio.addFiles([path]);
  await expect(page.locator('[data-testid="class-count"][data-class="spam"]')).toBeVisible({ timeout: 60_000 });
  await studio.counts();
  expect(await summary(page)).toEqual(rebuilt);
  await expect(page.getByTestId('text-spec-label-column')).toHaveValue('kind');
  await expect(page.getByTestId('text-spec-min-freq')).toHaveValue('5');
});
