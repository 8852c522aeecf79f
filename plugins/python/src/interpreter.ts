import { execFile } from 'node:child_process';
import { StepFailedError } from '@nomaflow/contracts';

export interface PythonInterpreter {
  /** The real binary (`sys.executable`), spawned directly: no pyenv/asdf shim on every step. */
  executable: string;
  version: string;
}

const MIN_VERSION = [3, 8] as const;
const PROBE = 'import sys; print(sys.executable); print("%d.%d.%d" % sys.version_info[:3])';
const cache = new Map<string, Promise<PythonInterpreter>>();

/**
 * The python3 the steps run on: `NOMAFLOW_PYTHON` (a command or a path), else `python3` from PATH,
 * resolved once per process to the binary behind it. A version manager's shim costs ~50–100 ms per
 * start; the binary it points at does not. A failed probe is not cached, so installing Python later
 * needs no restart.
 */
export function resolvePython(
  command: string = process.env['NOMAFLOW_PYTHON'] || 'python3',
): Promise<PythonInterpreter> {
  let found = cache.get(command);
  if (!found) {
    found = probe(command);
    cache.set(command, found);
    found.catch(() => cache.delete(command));
  }
  return found;
}

function probe(command: string): Promise<PythonInterpreter> {
  return new Promise((resolve, reject) => {
    // The probe runs with the server's environment and cwd: that is what picks a shim's version.
    execFile(command, ['-c', PROBE], { timeout: 30_000, windowsHide: true }, (error, stdout, stderr) => {
      if (error) {
        const why =
          (error as NodeJS.ErrnoException).code === 'ENOENT'
            ? 'not found'
            : String(stderr || error.message).trim();
        reject(
          new StepFailedError(
            `python interpreter ${command} ${why === 'not found' ? 'not found on PATH' : `failed: ${why}`} (set NOMAFLOW_PYTHON to a python3 ≥ ${MIN_VERSION.join('.')})`,
            { retryable: false, cause: error },
          ),
        );
        return;
      }
      const [executable, version = ''] = stdout
        .trim()
        .split('\n')
        .map((l) => l.trim());
      const [major = 0, minor = 0] = version.split('.').map(Number);
      if (major < MIN_VERSION[0] || (major === MIN_VERSION[0] && minor < MIN_VERSION[1])) {
        reject(
          new StepFailedError(
            `python interpreter ${command} is ${version || 'of an unknown version'}; python steps need ≥ ${MIN_VERSION.join('.')} (set NOMAFLOW_PYTHON)`,
            { retryable: false },
          ),
        );
        return;
      }
      resolve({ executable: executable || command, version });
    });
  });
}
