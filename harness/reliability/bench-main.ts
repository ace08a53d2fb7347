/** `npm run bench [-- --cold] [--out DIR]`: see bench.ts. Writes bench.json and bench.md into DIR (default: bench/). */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { runScript } from './run-script';
import { installQuietRuntime } from '../matrix/run-matrix';
import { bench, renderBench } from './bench';

async function main(): Promise<number> {
  const options = new Command('bench')
    .option('--cold', 'also build the server binary and image from nothing (minutes of 2 cores: not while others run heavy work)')
    .option('--out <dir>', 'folder for bench.json and bench.md', 'bench')
    .parse()
    .opts<{ cold?: boolean; out: string }>();
  installQuietRuntime();
  const report = await bench({ cold: options.cold, log: (line) => process.stderr.write(`[bench] ${line}\n`) });
  const markdown = renderBench(report);
  await mkdir(options.out, { recursive: true });
  await writeFile(path.join(options.out, 'bench.json'), JSON.stringify(report, null, 2));
  await writeFile(path.join(options.out, 'bench.md'), `${markdown}\n`);
  process.stdout.write(`${markdown}\n\nwritten: ${path.join(options.out, 'bench.json')}, ${path.join(options.out, 'bench.md')}\n`);
  return 0;
}

runScript(main);
