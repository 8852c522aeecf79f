import 'reflect-metadata';
import { startServer } from './bootstrap.js';
import { loadConfig } from './config/server-config.js';

// `npm start`: one process with every role unless NOMAFLOW_ROLES says otherwise.
const server = await startServer(loadConfig(process.env)).catch((e: unknown) => {
  console.error(`Nomaflow failed to start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

let signals = 0;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    signals += 1;
    if (signals > 1) {
      console.error('second signal: exiting now');
      process.exit(1);
    }
    console.log(`${signal}: stopping (in-flight steps get the grace period, then are cancelled)`);
    server.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(`error while stopping: ${String(e)}`);
        process.exit(1);
      },
    );
  });
}
