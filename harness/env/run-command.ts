/** Run a command to completion without blocking the event loop (provisioning steps run side by side). */
import { spawn } from 'node:child_process';

const STDERR_KEPT = 4000;

/** The exit code and the tail of stderr (the reason, when it failed). */
export function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-STDERR_KEPT);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stderr }));
  });
}

/** The last `count` lines of a command's stderr, joined on one line. */
export function lastLines(text: string, count = 1): string {
  return text.trim().split('\n').slice(-count).join(' | ');
}
