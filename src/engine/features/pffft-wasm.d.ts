// @echogarden/pffft-wasm ships an Emscripten ES module without types; we use its factory only.
declare module '@echogarden/pffft-wasm/simd' {
  const factory: (moduleArg?: object) => Promise<unknown>;
  export default factory;
}
