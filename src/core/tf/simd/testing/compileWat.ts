import wabtInit from 'wabt';

/** The memory import of kernels.wat as written (plain) and its shared twin (the threaded build's). */
const PLAIN_IMPORT = '(import "env" "memory" (memory 1))';
const SHARED_IMPORT = '(import "env" "memory" (memory 1 65536 shared))';

/** kernels.wat compiled with its memory import plain and shared (wabt, a dev dependency). */
export async function compileSimdKernels(wat: string): Promise<{ plain: Uint8Array; shared: Uint8Array }> {
  if (!wat.includes(PLAIN_IMPORT)) throw new Error(`kernels.wat must import its memory as ${PLAIN_IMPORT}`);
  const wabt = await wabtInit();
  const build = (text: string) => {
    const mod = wabt.parseWat('kernels.wat', text, { simd: true, threads: true });
    try {
      // wabt's own validate() ignores the features (it refuses any shared memory); the engine checks below.
      const bytes = new Uint8Array(mod.toBinary({}).buffer);
      if (!WebAssembly.validate(bytes)) throw new Error('kernels.wat compiled to a module this engine refuses');
      return bytes;
    } finally {
      mod.destroy();
    }
  };
  return { plain: build(wat), shared: build(wat.replace(PLAIN_IMPORT, SHARED_IMPORT)) };
}
