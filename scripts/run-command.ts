/**
 * Runs a command-line task: prints its one-line result, or one line naming the failure, and exits
 * with its code.
 */
import { isAppError } from '../src/shared/errors';
import { maskUri } from '../src/shared/logger';

export function runCommand(task: () => Promise<{ code: number; output: string }>): void {
  task()
    .then(({ code, output }) => {
      process.stdout.write(`${output}\n`);
      process.exit(code);
    })
    .catch((error: unknown) => {
      const code = isAppError(error) ? error.code : 'COMMAND_FAILED';
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`failed [${code}]: ${maskUri(message.split('\n')[0])}\n`);
      process.exit(2);
    });
}
