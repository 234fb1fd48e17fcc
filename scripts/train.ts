/**
 * `npm run train -- --folder DIR --epochs N [...]`: trains a model on tfjs's wasm backend (the
 * CPU one when wasm cannot start) with the studio's own core, prints fastai's epoch table on stdout, writes
 * `model.json` + `weights.bin` + `studio.json` into `--out`, and ends with one line of JSON
 * holding the final metrics. `npm run train -- lr-find --folder DIR [...]` runs only the LR finder.
 * Exit codes: 0 trained, 1 bad arguments or data, 2 NaN loss.
 */
import { CliError, USAGE, parseCliArgs, parseLrFindArgs, type CliOptions, type LrFindCliOptions } from './cli/args';
import { lrFindFromCli, trainFromCli, type CliIo } from './cli/session';

/**
 * Runs the command with the given arguments and returns its exit code; never throws.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
async function main(argv: readonly string[], io: CliIo = terminalIo()): Promise<number> {
  if (argv[0] === 'lr-find') return lrFindMain(argv.slice(1), io);
  let opts: CliOptions | 'help';
  try {
    opts = parseCliArgs(argv);
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    io.err(USAGE);
    return 1;
  }
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    const final = await trainFromCli(opts, io);
    io.out(JSON.stringify(final));
    return 0;
  } catch (e) {
    return failure(e, io);
  }
}

/** `lr-find`: the finder only; the chart on stdout, then one JSON line of the suggestions. */
async function lrFindMain(argv: readonly string[], io: CliIo): Promise<number> {
  let opts: LrFindCliOptions | 'help';
  try {
    opts = parseLrFindArgs(argv);
  } catch (e) {
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    io.err(USAGE);
    return 1;
  }
  if (opts === 'help') {
    io.out(USAGE);
    return 0;
  }
  try {
    const suggestions = await lrFindFromCli(opts, io);
    io.out(JSON.stringify(suggestions ?? { valley: null, slide: null, steep: null, minimum: null }));
    return 0;
  } catch (e) {
    return failure(e, io);
  }
}

/** A `CliError` in words with its exit code; anything else with its stack, exit 1. */
function failure(e: unknown, io: CliIo): number {
  if (e instanceof CliError) {
    io.err(`error: ${e.message}`);
    return e.exitCode;
  }
  io.err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  return 1;
}

/** stdout for the table and the JSON line, stderr for the rest; a live status line on a terminal. */
function terminalIo(): CliIo {
  const status = process.stderr.isTTY ? (text: string) => process.stderr.write(`\r\x1b[2K${text}`) : undefined;
  return {
    out: (line) => process.stdout.write(line + '\n'),
    err: (line) => process.stderr.write(line + '\n'),
    status,
  };
}

process.exitCode = await main(process.argv.slice(2));
