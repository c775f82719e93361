/**
 * Compiles the WebAssembly scanner (assembly/flatScanner.ts, AssemblyScript) into dist/wasm/flatScanner.wasm.
 * Run by `npm run build`; assemblyscript is a devDependency (its compiler and Binaryen are JavaScript and
 * WebAssembly), so no native compiler is needed, and the output is the same bytes on every machine.
 */
import asc from 'assemblyscript/asc';

const { error, stderr } = await asc.main([
  'assembly/flatScanner.ts',
  '--outFile', 'dist/wasm/flatScanner.wasm',
  '--optimizeLevel', '3',
  '--runtime', 'stub',
  '--enable', 'simd',
  '--noAssert',
  // Nothing to import: without assertions and with the stub runtime, nothing calls abort.
  '--use', 'abort=',
]);
if (error) {
  process.stderr.write(stderr.toString());
  process.exit(1);
}
