import { InitialSchema1764489600000 } from './1764489600000-initial-schema.js';
import { ConnectorsAndSettings1764493200000 } from './1764493200000-connectors-and-settings.js';

/** Every migration in order; a new one is appended here. */
export const migrations = [InitialSchema1764489600000, ConnectorsAndSettings1764493200000];
