/**
 * The part of the WebAssembly JavaScript API that src/input/wasmScanner.ts uses. TypeScript declares it in the
 * DOM library only, and this project compiles against ES2022 and Node's types.
 */
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
  class Global {
    readonly value: unknown;
  }
}
