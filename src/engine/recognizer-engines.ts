/**
 * Which implementation of recognizer-api.ts a worker loads. Each is a module exporting
 * createOnlineRecognizer(config); workers import it by URL, so an engine's dependencies
 * (sherpa-onnx-node is a devDependency) load only when that engine is selected.
 */
export const RECOGNIZER_ENGINES = ['earshot', 'sherpa-onnx'] as const;

export type RecognizerEngine = (typeof RECOGNIZER_ENGINES)[number];

const MODULES: Record<RecognizerEngine, URL> = {
  earshot: new URL('./online-recognizer.ts', import.meta.url),
  'sherpa-onnx': new URL('./sherpa/sherpa-recognizer.ts', import.meta.url),
};

export function isRecognizerEngine(name: unknown): name is RecognizerEngine {
  return typeof name === 'string' && (RECOGNIZER_ENGINES as readonly string[]).includes(name);
}

/** URL of the module implementing `engine`. */
export function recognizerModuleUrl(engine: RecognizerEngine): string {
  return MODULES[engine].href;
}
