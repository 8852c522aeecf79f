import { NotFoundError } from '@nomaflow/contracts';
import type { Connector, ConnectorProvider } from '@nomaflow/contracts';

/** Until the connectors module exists every lookup fails with a clear message. */
export class NoConnectors implements ConnectorProvider {
  async get(name: string): Promise<Connector> {
    throw new NotFoundError(`unknown connector: ${name}`);
  }
}
