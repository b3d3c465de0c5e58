import { basename } from 'node:path';
import type { Command } from 'commander';
import { pino } from 'pino';
import { streamFile, type FileStreamResult } from '../../serving/file-stream-client.ts';
import { startLocalServer, type LocalServer } from '../../serving/local-server.ts';
import { defaultServingConfig, type PoolDecoding } from '../../serving/serving-config.ts';
import { readWavFile } from '../../serving/wav-reader.ts';
import { AsrError, isAsrError } from '../../shared/errors.ts';
import { ErrorCode } from '../../shared/protocol/error-codes.ts';
import { DEFAULT_MODEL_DIR } from './serve.ts';

interface TranscribeFlags {
  url?: string;
  token?: string;
  json?: boolean;
  realtime?: boolean;
  model: string;
  decoding: string;
  hotwords?: string[];
  chunkMs: number;
  parallel: number;
  verbose?: boolean;
}

/** Files in flight at once against one gateway. */
const DEFAULT_PARALLEL = 4;

/**
 * `earshot transcribe FILE...`: streams WAV files through a gateway over protocol v1 (an embedded
 * gateway + pool when no --url is given) and prints the transcripts, or JSON lines of finals.
 */
export function transcribeCommand(program: Command): void {
  program
    .command('transcribe')
    .description('transcribe WAV files (PCM16 or float32, any rate, mono or stereo) through a gateway over protocol v1')
    .argument('<files...>', 'WAV files')
    .option('--url <url>', 'gateway to use, e.g. ws://127.0.0.1:6006/v1/listen (default: start one in this process)', process.env.EARSHOT_URL)
    .option('--token <secret>', 'token for the gateway (env EARSHOT_TOKEN)', process.env.EARSHOT_TOKEN)
    .option('--json', 'print one JSON line per final: {file, utterance, text, start, end}')
    .option('--realtime', 'send audio at real-time pace (default: as fast as the server takes it)')
    .option('--model <dir>', 'model folder for the embedded gateway (env EARSHOT_MODEL)', process.env.EARSHOT_MODEL ?? DEFAULT_MODEL_DIR)
    .option('--decoding <auto|greedy_search|modified_beam_search>', "search of the embedded gateway: 'auto' uses the model folder's token LM (lm.json) where it has one (env EARSHOT_DECODING)", process.env.EARSHOT_DECODING ?? 'auto')
    .option('--hotwords <words...>', 'words or phrases (quoted) the search should favour: names, jargon (beam search only)')
    .option('--chunk-ms <ms>', 'audio per WebSocket frame', (v) => Number(v), 100)
    .option('--parallel <n>', 'files streamed at once', (v) => Number(v), DEFAULT_PARALLEL)
    .option('--verbose', 'log the embedded server to stderr')
    .action(async (files: string[], flags: TranscribeFlags) => {
      let server: LocalServer | undefined;
      let url = flags.url;
      if (!url) {
        const config = defaultServingConfig(flags.model);
        config.port = 0;
        config.pool.workers = 1;
        config.pool.decoding = flags.decoding as PoolDecoding;
        config.capacity = Math.max(1, Math.min(files.length, flags.parallel));
        server = await startLocalServer(config, { logger: pino({ level: flags.verbose ? 'info' : 'silent' }, pino.destination(2)) });
        url = server.url;
      }
      let failed = 0;
      let firstCode: ErrorCode | undefined;
      try {
        const results: (FileStreamResult | Error)[] = new Array(files.length);
        let nextToPrint = 0;
        const print = (): void => {
          while (nextToPrint < files.length && results[nextToPrint] !== undefined) {
            const file = files[nextToPrint];
            const r = results[nextToPrint++];
            if (r instanceof Error) {
              failed++;
              firstCode ??= isAsrError(r) ? r.code : ErrorCode.Internal;
              process.stderr.write(`earshot: ${file}: ${isAsrError(r) ? `${r.code}: ` : ''}${r.message}\n`);
            } else if (flags.json) {
              for (const f of r.finals) process.stdout.write(`${JSON.stringify({ file, utterance: f.utterance, text: f.text, start: f.start, end: f.end })}\n`);
            } else {
              process.stdout.write(files.length > 1 ? `${basename(file)}\t${r.text}\n` : `${r.text}\n`);
            }
          }
        };
        let cursor = 0;
        const lane = async (): Promise<void> => {
          while (cursor < files.length) {
            const i = cursor++;
            try {
              const audio = await readWavFile(files[i]);
              results[i] = await streamFile(audio, { url: url!, token: flags.token, realtime: flags.realtime, chunkMs: flags.chunkMs, hotwords: flags.hotwords });
            } catch (err) {
              results[i] = err instanceof Error ? err : new Error(String(err));
            }
            print(); // in input order, as soon as possible
          }
        };
        await Promise.all(Array.from({ length: Math.max(1, Math.min(flags.parallel, files.length)) }, lane));
      } finally {
        await server?.close();
      }
      // main() turns an AsrError into exit code 2.
      if (failed > 0) throw new AsrError(firstCode ?? ErrorCode.Internal, `${failed} of ${files.length} file(s) failed`);
    });
}
