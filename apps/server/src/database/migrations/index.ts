import { InitialSchema1764489600000 } from './1764489600000-initial-schema.js';
import { ConnectorsAndSettings1764493200000 } from './1764493200000-connectors-and-settings.js';
import { RunEventsNotify1764496800000 } from './1764496800000-run-events-notify.js';

/** Every migration in order; a new one is appended here. */
export const migrations = [
  InitialSchema1764489600000,
  ConnectorsAndSettings1764493200000,
  RunEventsNotify1764496800000,
];
