import { Command, CommanderError } from 'commander';
import { isAsrError } from '../shared/errors.ts';
import { packageVersion } from './version.ts';
import { tokensCommand } from './commands/tokens.ts';
import { gatewayCommand } from './commands/gateway.ts';
import { workerCommand } from './commands/worker.ts';
import { modelsCommand } from './commands/models.ts';
import { serveCommand } from './commands/serve.ts';
import { transcribeCommand } from './commands/transcribe.ts';
import { benchCommand } from './commands/bench.ts';
import { planCommand } from './commands/plan.ts';

/** A subcommand module: adds itself to the program. */
export type CommandModule = (program: Command) => void;

/** Subcommands register here; each lives in its own file under src/cli/commands/. */
const commands: CommandModule[] = [tokensCommand, gatewayCommand, workerCommand, modelsCommand, serveCommand, transcribeCommand, benchCommand, planCommand];

export function buildProgram(): Command {
  const program = new Command('earshot')
    .description('Earshot: offline streaming dictation and speech-recognition service')
    .version(packageVersion(), '-v, --version')
    .showHelpAfterError()
    .exitOverride();
  for (const add of commands) add(program);
  return program;
}

/** Runs the CLI and returns the process exit code. Errors print a code, never a stack. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (isAsrError(err)) {
      process.stderr.write(`earshot: ${err.code}: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`earshot: ${err instanceof Error ? err.stack : String(err)}\n`);
    return 1;
  }
}
