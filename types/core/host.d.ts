// What src/core takes from the runtime it runs in (a page, a worker, Node), declared no wider than
// core uses it. Only tsconfig.core.json reads this file: that check has neither the DOM's types nor
// Node's, so a core file that reaches for `window`, `document`, `Buffer` or `process` does not
// compile there. tsconfig.json checks the same code against the real DOM and Node types.

/** High-resolution time, for step and epoch timings. */
declare const performance: { now(): number };

/** UTF-8 encoding of the bundle's and the export's text files. */
declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** Text decoding of CSVs, labels and manifests (UTF-8, or UTF-16 after a byte-order mark). */
declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean });
  decode(input?: ArrayBufferView | ArrayBuffer): string;
}

/** A command's Stop: core only reads whether it was pressed. */
interface AbortSignal {
  readonly aborted: boolean;
}

/** Node's, used when there (a page and a worker have none: `yieldToEventLoop` checks with typeof). */
declare const setImmediate: (callback: () => void) => unknown;

/**
 * A file a person dropped on the page (a backbone's `model.json` and its shards): core reads
 * its name and hands it to io's loader (`BackboneLoader.fromFiles`), which reads it.
 */
interface File {
  readonly name: string;
}

/** The WebAssembly API as the SIMD kernels use it (`src/core/tf/simd/simdKernels.ts`). */
declare namespace WebAssembly {
  class Memory {
    readonly buffer: ArrayBuffer | SharedArrayBuffer;
  }
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports: object);
    readonly exports: object;
  }
  function validate(bytes: Uint8Array): boolean;
}

/** Base64 decoding (the SIMD kernels' module bytes). */
declare function atob(data: string): string;
