import { beforeAll, describe, expect, it } from 'vitest';
import { chooseBackend } from '../core/tf/backend';
import { epochsProblem, finderItersProblem, learnerSpecProblems, lrProblem } from './inputChecks';
import { makeResultsCommands } from './resultsActions';
import { inProcessStudio } from './testing/inProcessStudio';

// Issue 12: the numbers a tough user types into the training cells. Each bad one is refused with a
// sentence naming the field and its range, before the worker sees it; the learner is kept.

describe('the checks', () => {
  it.each([
    [0, 'Epochs must be a whole number from 1 to 1000, not 0'],
    [-3, 'Epochs must be a whole number from 1 to 1000, not -3'],
    [2.5, 'Epochs must be a whole number from 1 to 1000, not 2.5'],
    [1e6, 'Epochs must be a whole number from 1 to 1000, not 1000000'],
    [NaN, 'Epochs must be a whole number from 1 to 1000; it is empty or not a number'],
    [Infinity, 'Epochs must be a whole number from 1 to 1000, not Infinity'],
  ])('epochs %s', (epochs, message) => {
    expect(epochsProblem(epochs)).toBe(message);
  });

  it('accepts 1 and 1000 epochs', () => {
    expect(epochsProblem(1)).toBeNull();
    expect(epochsProblem(1000)).toBeNull();
  });

  it.each([
    ['', "Learning rate is empty: type a positive number such as 3e-3, or click the LR finder's curve"],
    ['abc', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "abc"'],
    ['0', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "0"'],
    ['-1e-3', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "-1e-3"'],
    ['NaN', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "NaN"'],
    ['Infinity', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "Infinity"'],
    ['1e-5,1e-3,1e-2', 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "1e-5,1e-3,1e-2"'],
  ])('learning rate %j', (text, message) => {
    expect(lrProblem(text)).toBe(message);
  });

  it('takes a rate or a slice, and only a rate for fine_tune', () => {
    expect(lrProblem('3e-3')).toBeNull();
    expect(lrProblem('1e-5, 1e-3')).toBeNull();
    expect(lrProblem('1e-5,1e-3', true)).toBe('fine_tune takes one base learning rate (it makes the slice itself), not "1e-5,1e-3"');
  });

  it('LR finder iterations', () => {
    expect(finderItersProblem(0)).toBe('LR finder iterations must be a whole number from 10 to 1000, not 0');
    expect(finderItersProblem(12.5)).toBe('LR finder iterations must be a whole number from 10 to 1000, not 12.5');
    expect(finderItersProblem(100)).toBeNull();
  });

  it("the learner's weight decay, threshold and beta", () => {
    expect(learnerSpecProblems({ arch: { kind: 'smallCnn' }, wd: 0.01, thresh: 0.2, beta: 2 })).toEqual([]);
    expect(learnerSpecProblems({ arch: { kind: 'smallCnn' }, wd: -1, thresh: 5, beta: NaN })).toEqual([
      'Weight decay must be a number from 0 to 1, not -1',
      'Threshold must be a number from 0.01 to 0.99, not 5',
      'F-beta β must be a number from 0.1 to 10; it is empty or not a number',
    ]);
  });
});

describe('the page refuses bad training values and keeps the learner', () => {
  beforeAll(async () => {
    await chooseBackend(['cpu']);
  });

  it('fit, fine_tune and the LR finder name the bad value; nothing runs, nothing is lost, and a good value then trains', async () => {
    const { trainStore, train, runner } = await inProcessStudio();
    const learner = trainStore.getState().learner;
    expect(learner).not.toBeNull();

    const refused = async (run: () => Promise<void>, message: string) => {
      await run();
      const s = trainStore.getState();
      expect(s.error).toBe(message);
      expect(s.runs).toEqual([]);
      expect(s.busy).toBeNull();
      expect(s.learner).toBe(learner);
    };
    train.setLr('1e-2');
    train.setEpochs(2.5);
    await refused(() => train.fit(), 'Epochs must be a whole number from 1 to 1000, not 2.5');
    train.setEpochs(NaN);
    await refused(() => train.fineTuneRecipe(), 'Epochs must be a whole number from 1 to 1000; it is empty or not a number');
    train.setEpochs(0);
    await refused(() => train.lrFind(), 'Epochs must be a whole number from 1 to 1000, not 0');
    train.setEpochs(1);
    train.setLr('abc');
    await refused(() => train.fit(), 'Learning rate must be a positive number (3e-3) or a slice lo,hi (1e-5,1e-3), not "abc"');
    train.setFinderIters(-5);
    await refused(() => train.lrFind(), 'LR finder iterations must be a whole number from 10 to 1000, not -5');
    expect(trainStore.getState().finder).toBeNull();
    await refused(() => makeResultsCommands(runner).setThreshold(5), 'Threshold must be a number from 0.01 to 0.99, not 5');

    train.setLr('1e-2');
    await train.fit();
    const s = trainStore.getState();
    expect(s.error).toBeNull();
    expect(s.runs.map((r) => [r.status, r.epochs])).toEqual([['done', 1]]);
    expect(s.rows).toHaveLength(1);
  }, 60_000);
});
