/**
 * A Chromium for the test that renders the HTML report in a real browser. playwright-core ships
 * no browser, and its own download needs the internet; the distribution package works on the
 * closed network, so on Debian as root the harness installs it on first use.
 */
import { existsSync } from 'node:fs';
import { HarnessError } from '../errors';
import { log } from '../log';
import { lastLines, runCommand } from './run-command';

const CHROMIUM = '/usr/bin/chromium';

/**
 * Headless without a sandbox (containers run as root, where Chromium's sandbox refuses to start),
 * and with every background fetch off: on this machine's closed network those calls hang or fail
 * noisily (update checks, sync, component downloads, QUIC probes).
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const HOW_TO_INSTALL =
  `Chromium is needed to render the HTML report and was not found at ${CHROMIUM}: ` +
  'install it with "sudo apt-get install chromium" (Debian/Ubuntu) or your distribution\'s chromium package';

/** apt-get, non-interactive; resolves with its exit code and the last line of its stderr (apt's reason). */
async function run(command: string, args: string[]): Promise<{ code: number | null; lastError: string }> {
  const { code, stderr } = await runCommand(command, args, { ...process.env, DEBIAN_FRONTEND: 'noninteractive' });
  return { code, lastError: lastLines(stderr) };
}

const aptInstall = () => run('apt-get', ['install', '-y', '-qq', 'chromium']);

/** The path of a Chromium binary, installing the Debian package first when we are allowed to. */
export async function ensureChromium(): Promise<string> {
  if (existsSync(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() !== 0 || !existsSync('/etc/debian_version')) throw new HarnessError(HOW_TO_INSTALL);
  log('installing Chromium with apt-get (once; it takes a minute)');
  let result = await aptInstall();
  if (result.code !== 0) {
    // A fresh container has no package lists yet; refresh them only when the install needs it.
    const update = await run('apt-get', ['update', '-qq']);
    if (update.code !== 0) throw new HarnessError(`apt-get update failed (${update.lastError}); ${HOW_TO_INSTALL}`);
    result = await aptInstall();
  }
  if (result.code !== 0 || !existsSync(CHROMIUM)) {
    throw new HarnessError(`apt-get install chromium failed (${result.lastError}); ${HOW_TO_INSTALL}`);
  }
  return CHROMIUM;
}
