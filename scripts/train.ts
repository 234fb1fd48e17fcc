/**
 * `npm run train -- --folder DIR --block block.json --epochs N --lr X [...]`: trains a model on
 * the tfjs CPU backend with the studio's own core, prints fastai's epoch table on stdout, writes
 * `model.json` + `weights.bin` + `studio.json` into `--out`, and ends with one line of JSON
 * holding the final metrics. Exit codes: 0 trained, 1 bad arguments or data, 2 NaN loss.
 */
import { CliError, USAGE, parseCliArgs, type CliOptions } from './cli/args';
import { trainFromCli, type CliIo } from './cli/session';

/**
 * Runs the command with the given arguments and returns its exit code; never throws.
 * @example process.exitCode = await main(process.argv.slice(2));
 */
async function main(argv: readonly string[], io: CliIo = terminalIo()): Promise<number> {
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
    if (e instanceof CliError) {
      io.err(`error: ${e.message}`);
      return e.exitCode;
    }
    io.err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return 1;
  }
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
