import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './test-server.js';

/** A real server process: the built `npm start` entry point, with a clean environment. */
export interface ServerProcess {
  name: string;
  child: ChildProcess;
  /** http://127.0.0.1:<port>, read from its "listening on" line. */
  url: string;
  /** Everything it printed so far. */
  output: string[];
}

/**
 * Starts `apps/server/dist/main.js` with PATH and `env` only, and resolves once it listens
 * (rejects if it exits first). NOMAFLOW_TEST_LOG=1 echoes its output, prefixed with `name`.
 */
export function startServerProcess(name: string, env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [join(repoRoot, 'apps/server/dist/main.js')], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH, PORT: '0', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output.push(text);
      if (process.env.NOMAFLOW_TEST_LOG) process.stdout.write(`[${name}] ${text}`);
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output.join(''));
      if (m?.[1]) resolve({ name, child, url: m[1], output });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${name} exited early (${code}): ${output.join('')}`)));
  });
}
