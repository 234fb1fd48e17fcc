import { describe, expect, it } from 'vitest';
import { parseCliArgs } from './args';

// Issue 12: the command line names a bad number with its flag and allowed range, as the page does.

const base = ['--folder', 'data', '--epochs', '1'];
const error = (argv: string[]) => {
  try {
    parseCliArgs(argv);
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
};

describe('numbers on the command line', () => {
  it.each([
    ['--epochs', '0', '--epochs must be a whole number from 1 to 1000, not "0"'],
    ['--epochs', '2.5', '--epochs must be a whole number from 1 to 1000, not "2.5"'],
    ['--epochs', '1e6', '--epochs must be a whole number from 1 to 1000, not "1e6"'],
    ['--epochs', 'abc', '--epochs must be a whole number from 1 to 1000, not "abc"'],
    ['--size', '5000', '--size must be a whole number from 8 to 1024, not "5000"'],
    ['--size', '4', '--size must be a whole number from 8 to 1024, not "4"'],
    ['--size', 'NaN', '--size must be a whole number from 8 to 1024, not "NaN"'],
    ['--bs', '100000', '--bs must be a whole number from 1 to 1024, not "100000"'],
    ['--bs', '0', '--bs must be a whole number from 1 to 1024, not "0"'],
    ['--bs', ' ', '--bs must be a whole number from 1 to 1024, not " "'],
    ['--lr', 'abc', '--lr must be a positive number (3e-3) or a slice lo,hi (1e-4,1e-2), not "abc"'],
    ['--lr', 'Infinity', '--lr must be a positive number (3e-3) or a slice lo,hi (1e-4,1e-2), not "Infinity"'],
  ])('%s %j', (flag, value, message) => {
    const argv = flag === '--epochs' ? ['--folder', 'data', '--epochs', value] : [...base, flag, value];
    expect(error(argv)).toBe(message);
  });

  it('names a negative value written as --epochs=-3 (parseArgs reads a bare -3 as a flag and says so)', () => {
    expect(error(['--folder', 'data', '--epochs=-3'])).toBe('--epochs must be a whole number from 1 to 1000, not "-3"');
  });

  it('takes values inside the ranges', () => {
    expect(parseCliArgs([...base, '--size', '1024', '--bs', '1', '--lr', '1e-4,1e-2'])).toMatchObject({ epochs: 1, size: 1024, bs: 1, lr: [1e-4, 1e-2] });
    expect(parseCliArgs(['--folder', 'data', '--epochs', '1000'])).toMatchObject({ epochs: 1000 });
  });
});

describe('--arch, --freeze-epochs and --size lists (issue 17)', () => {
  it('takes every architecture of the Learner cell and names them all for a wrong one', () => {
    for (const arch of ['auto', 'smallCnn', 'xresnet', 'mobilenet_v2', 'mnist', 'unet', 'unet_xresnet', 'unet_mobilenet_v2']) {
      expect(parseCliArgs([...base, '--arch', arch])).toMatchObject({ arch });
    }
    expect(error([...base, '--arch', 'resnet34'])).toBe('--arch must be one of auto, smallCnn, xresnet, mobilenet_v2, mnist, tm_mobilenet_v2, tfjs_mobilenet_v1, unet, unet_xresnet, unet_mobilenet_v2, not "resnet34"');
  });

  it('reads --freeze-epochs with --fine-tune only', () => {
    expect(parseCliArgs([...base, '--fine-tune'])).toMatchObject({ freezeEpochs: 1 });
    expect(parseCliArgs([...base, '--fine-tune', '--freeze-epochs', '3'])).toMatchObject({ freezeEpochs: 3 });
    expect(error([...base, '--freeze-epochs', '2'])).toBe('--freeze-epochs goes with --fine-tune');
    expect(error([...base, '--fine-tune', '--freeze-epochs', '0'])).toBe('--freeze-epochs must be a whole number from 1 to 1000, not "0"');
  });

  it('reads --size 64,128 as progressive resizing and one size as before', () => {
    expect(parseCliArgs([...base, '--size', '64,128'])).toMatchObject({ size: 64, sizes: [64, 128] });
    const one = parseCliArgs([...base, '--size', '64']);
    expect(one).toMatchObject({ size: 64 });
    expect(one).not.toHaveProperty('sizes');
    expect(error([...base, '--size', '64,4'])).toBe('--size must be a whole number from 8 to 1024, not "4"');
  });

  it('reads height x width, alone or in a progressive list, and names a bad side', () => {
    expect(parseCliArgs([...base, '--size', '120x160'])).toMatchObject({ size: [120, 160] });
    expect(parseCliArgs([...base, '--size', '60x80,120x160'])).toMatchObject({
      size: [60, 80],
      sizes: [
        [60, 80],
        [120, 160],
      ],
    });
    expect(parseCliArgs([...base, '--size', '64x64'])).toMatchObject({ size: 64 });
    expect(error([...base, '--size', '120x4'])).toBe('--size must be a whole number from 8 to 1024, not "4"');
    expect(error([...base, '--size', '120x'])).toBe('--size must be a whole number from 8 to 1024, not "120x"');
  });

  it('reads --python OUT, the folder of the PyTorch export, and refuses an empty one', () => {
    expect(parseCliArgs([...base, '--python', 'pt'])).toMatchObject({ python: 'pt' });
    expect(parseCliArgs(base)).not.toHaveProperty('python');
    expect(error([...base, '--python', ''])).toBe('--python needs the folder to write the PyTorch export into');
  });
});
