// dist/daemon.js: `daemon.js --data-dir DIR [--foreground] [--config FILE]`.
import { defaultDataDir } from '../shared/paths';
import { runDaemon } from './run';

function parse(argv: string[]): { dataDir: string; foreground: boolean; configFile?: string } {
  let dataDir: string | undefined;
  let configFile: string | undefined;
  let foreground = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--data-dir') dataDir = argv[++i];
    else if (arg === '--config') configFile = argv[++i];
    else if (arg === '--foreground') foreground = true;
    else {
      process.stderr.write(`dormouse daemon: unknown argument ${arg}\n`);
      process.exit(2);
    }
  }
  return { dataDir: dataDir ?? defaultDataDir(), foreground, configFile };
}

void runDaemon(parse(process.argv.slice(2))).then((code) => process.exit(code));
