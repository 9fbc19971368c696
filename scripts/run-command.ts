/**
 * Runs a command-line task: prints its one-line result, or one line naming the failure, and exits
 * with its code.
 */
import { describeFailure } from '../src/shared/errors';

export function runCommand(task: () => Promise<{ code: number; output: string }>): void {
  task()
    .then(({ code, output }) => {
      process.stdout.write(`${output}\n`);
      process.exit(code);
    })
    .catch((error: unknown) => {
      process.stderr.write(`failed ${describeFailure(error)}\n`);
      process.exit(2);
    });
}
