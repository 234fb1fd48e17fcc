import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * True when the module at `moduleUrl` is the script Node was started with, so an item file
 * can both be imported by `bench/run.ts` and run alone (`npx tsx bench/items/loop.ts`).
 * @example if (isMain(import.meta.url)) printJson(await loopBench());
 */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  return script !== undefined && pathToFileURL(resolve(script)).href === moduleUrl;
}

/** Prints a value as indented JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
