import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../core/tf/backend';
import { oneCycleLr } from '../core/train/schedules';
import { readFolder } from '../io/node/nodeFiles';
import { expectBeatsBaseline } from '../core/metrics/testing/expectBaseline';
import { blockBaselines } from '../core/metrics/testing/blockBaselines';
import { makeResultsCommands } from './resultsActions';
import { testFolderFiles, testSubmission } from './testSet';
import { initialTrainState, trainReducer } from './trainState';
import { inProcessStudio } from './testing/inProcessStudio';

beforeAll(async () => {
  await chooseBackend(['cpu']);
});

describe('the page takes one command at a time', () => {
  it('two quick clicks on Fit start one fit; Stop after its first row ends it, stopped, and frees the page', async () => {
    const { trainStore, train, until } = await inProcessStudio();
    train.setEpochs(40);
    const first = train.fit();
    const second = train.fit();
    expect(trainStore.getState().busy).toBe('fit');
    await until((s) => s.rows.length > 0);
    await train.stop();
    await Promise.all([first, second]);
    const s = trainStore.getState();
    expect(s.runs.map((r) => r.status)).toEqual(['stopped']);
    expect(s.rows.length).toBeLessThanOrEqual(2);
    expect(s.rows.every((r) => r.run === 1)).toBe(true);
    expect(s.busy).toBeNull();
    expect(s.error).toBeNull();
  }, 60_000);

  it('rebuilding the data block during a fit stops the fit first and says so; the next fit trains at the new size', async () => {
    const { dataStore, trainStore, data, train, until } = await inProcessStudio();
    train.setEpochs(40);
    const fit = train.fit();
    await until((s) => s.rows.length > 0);
    const spec = dataStore.getState().spec;
    data.setSpec({ ...spec, transforms: { ...spec.transforms, size: 20 } });
    await data.build();
    await fit;
    expect(trainStore.getState().runs.at(-1)).toMatchObject({ status: 'stopped', message: 'stopped to rebuild the data block', size: 16 });
    expect(dataStore.getState().builtSpec?.transforms.size).toBe(20);
    train.setEpochs(1);
    await train.fit();
    const s = trainStore.getState();
    expect(s.runs.at(-1)).toMatchObject({ status: 'done', size: 20 });
    expect(s.data?.size).toBe(20);
  }, 60_000);

  it('a fit at lr 1000 ends failed with what happened and what to try; a fit at 1e-2 after it trains', async () => {
    const { dataStore, trainStore, train } = await inProcessStudio();
    train.setEpochs(3);
    train.setLr('1000');
    await train.fit();
    expect(trainStore.getState().runs.at(-1)).toMatchObject({ status: 'failed', message: expect.stringMatching(/Training diverged.*10x lower/s) });
    train.setLr('1e-2');
    train.setEpochs(1);
    await train.fit();
    expect(trainStore.getState().runs.at(-1)?.status).toBe('done');
    const baselines = await blockBaselines(dataStore.getState().builtSpec!, dataStore.getState().files);
    expectBeatsBaseline('mnist_tiny, 1 epoch after a diverged fit', 'accuracy', trainStore.getState().rows.at(-1)!.metrics.accuracy, baselines, 0.15);
  }, 60_000);

  it('predicting a file that is not a picture names it and still predicts the others', async () => {
    const { trainStore, runner } = await inProcessStudio();
    const results = makeResultsCommands(runner);
    const seven = readFolder('public/samples/mnist_tiny').find((f) => f.path.startsWith('valid/7/'))!;
    const notes = { path: 'notes/readme.txt', size: 5, read: async () => new TextEncoder().encode('hello') };
    await results.predict([notes, seven]);
    const s = trainStore.getState();
    expect(s.predictions.map((p) => p.file.path)).toEqual([seven.path]);
    expect(s.error).toMatch(/1 of 2 pictures could not be predicted \(notes\/readme\.txt: /);
    expect(s.busy).toBeNull();
  }, 60_000);

  it('a worker that dies mid-fit ends the run failed with what to do, and frees the page', async () => {
    const { trainStore, train, until, worker } = await inProcessStudio();
    train.setEpochs(40);
    const fit = train.fit();
    await until((s) => s.rows.length > 0);
    worker.crash('out of memory');
    await fit;
    const s = trainStore.getState();
    expect(s.runs.at(-1)).toMatchObject({ status: 'failed', message: expect.stringMatching(/The training worker failed: out of memory\. Reload the page/) });
    expect(s.busy).toBeNull();
  }, 60_000);

  it('one-cycle\u2019s knobs reach the fit: the rates it trained at follow pct_start, div and div_final, and the run records them', async () => {
    const { trainStore, train } = await inProcessStudio();
    train.setEpochs(2);
    train.setCycle({ pctStart: 0.5, div: 10, divFinal: 100 });
    await train.fit();
    const s = trainStore.getState();
    expect(s.runs.at(-1)).toMatchObject({ status: 'done', cycle: { pctStart: 0.5, div: 10, divFinal: 100 } });
    const lrs = s.history.lrs;
    expect(lrs[0]).toBeCloseTo(1e-2 / 10, 6);
    const peak = lrs.indexOf(Math.max(...lrs));
    expect(Math.abs(peak / lrs.length - 0.5)).toBeLessThan(0.1);
    // fastai's formula at the last batch's position, with these knobs (the default div_final would give 1e-7 there).
    expect(lrs.at(-1)!).toBeCloseTo(oneCycleLr(1e-2, { pctStart: 0.5, div: 10, divFinal: 100 })((lrs.length - 1) / lrs.length), 8);
    expect(lrs.at(-1)!).toBeGreaterThan(1e-2 / 100);
    train.setCycle({ pctStart: 2 });
    await train.fit();
    expect(trainStore.getState().error).toMatch(/pct_start must be a number from 0.01 to 0.99, not 2/);
  }, 60_000);

  it('predicts a test/ folder that came with the data and writes a Kaggle submission, naming a picture it cannot read', async () => {
    const { dataStore, trainStore, train, runner } = await inProcessStudio();
    train.setEpochs(3);
    await train.fit();
    const results = makeResultsCommands(runner);
    // Kaggle's layout: unlabelled pictures in test/ beside train/ and valid/ (here, validation digits renamed).
    const threes = readFolder('public/samples/mnist_tiny').filter((f) => f.path.startsWith('valid/3/'));
    const sevens = readFolder('public/samples/mnist_tiny').filter((f) => f.path.startsWith('valid/7/'));
    const valid = [...threes.slice(0, 10), ...sevens.slice(0, 10)];
    const test = valid.map((f, i) => ({ ...f, path: `test/img_${i}.png` }));
    const broken = { path: 'test/img_99.png', size: 3, read: async () => new Uint8Array([1, 2, 3]) };
    const all = [...dataStore.getState().files, ...test, broken];
    const block = dataStore.getState().block;
    const found = testFolderFiles(all, block);
    expect(found.map((f) => f.path)).toEqual([...test.map((f) => f.path), broken.path]);
    expect(testFolderFiles(dataStore.getState().files, block)).toEqual([]);
    await results.predictTest(found);
    const s = trainStore.getState();
    expect(s.test).toMatchObject({ total: 21, failed: [expect.stringMatching(/^test\/img_99\.png: /)] });
    const csv = testSubmission(s)!.trim().split('\n');
    expect(csv[0]).toBe('id,label');
    expect(csv).toHaveLength(21);
    expect(csv[1]).toMatch(/^img_0,[37]$/);
    expect(csv[11]).toMatch(/^img_10,[37]$/); // natural order: img_2 comes before img_10
    // The predictions are the model's: more test digits get their true class than one class for all (10 of 20).
    const truth = Object.fromEntries(valid.map((f, i) => [`img_${i}`, f.path.split('/')[1]]));
    const right = csv.slice(1).filter((line) => truth[line.split(',')[0]] === line.split(',')[1]).length;
    console.log(JSON.stringify({ submission: csv.slice(0, 4), right, of: 20, rows: s.rows.map((r) => r.metrics) }));
    expect(right).toBeGreaterThan(13);
  }, 60_000);

  it('an error from elsewhere during a fit (an export, autosave) leaves Fit disabled while the fit runs', () => {
    const running = trainReducer(initialTrainState, { type: 'busy', busy: 'fit' });
    expect(trainReducer(running, { type: 'failed', error: 'Export failed: disk full' })).toMatchObject({ busy: 'fit', error: 'Export failed: disk full' });
  });
});
