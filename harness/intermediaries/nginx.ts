/** nginx as the harness runs it: one foreground process on loopback, its configuration and logs in its own folder. */
import { startHostProcess, type HostProcess, type LoopbackHost } from './host-process';
import { NGINX } from './software';

/**
 * Start nginx with `body` (its `stream` or `http` block), given the working folder, after the
 * dynamic `modules` it loads; it listens on `port` of `host` (default 127.0.0.1).
 */
export function startNginx(name: string, port: number, body: (dir: string) => string, modules: string[] = [], host?: LoopbackHost): Promise<HostProcess> {
  return startHostProcess({
    name,
    command: NGINX,
    port,
    host,
    // -e: the error log from the very start, before the configuration names one.
    args: (dir) => ['-p', dir, '-c', `${dir}/nginx.conf`, '-e', `${dir}/error.log`],
    files: (dir) => ({ 'nginx.conf': nginxConfig(dir, body(dir), modules) }),
  });
}

function nginxConfig(dir: string, body: string, modules: string[]): string {
  // load_module lines must come before anything else.
  return `${modules.map((module) => `load_module ${module};\n`).join('')}# One foreground process, so the harness's pid file names all of it.
daemon off;
master_process off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log notice;
events { worker_connections 256; }
${body}`;
}
