// dist/cli.js (`dormouse`): run the command, then exit with its code.
import { runCli } from './cli';
import { errorStack } from '../shared/error-message';

runCli(process.argv.slice(2)).then(
  (code) => {
    // exitCode (not exit()) lets piped stdout drain; the unref'd timer only fires if some
    // handle would otherwise keep a finished command alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 2000).unref();
  },
  (error: unknown) => {
    process.stderr.write(`dormouse: ${errorStack(error)}\n`);
    process.exit(1);
  },
);
