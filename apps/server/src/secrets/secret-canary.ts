import { Injectable, Logger } from '@nestjs/common';
import type { OnModuleInit } from '@nestjs/common';
import { Database } from '../database/database.js';
import { SecretBox, SecretKeyError } from './secret-box.js';

const CANARY = 'nomaflow secret canary';

/**
 * Refuses to start with a key that cannot open this database's secrets — a clear message at start
 * beats a run failing at 2 a.m. on an unreadable password.
 */
@Injectable()
export class SecretCanary implements OnModuleInit {
  private readonly logger = new Logger('Secrets');

  constructor(
    private readonly db: Database,
    private readonly box: SecretBox,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.db.query(
      `INSERT INTO settings (key, value) VALUES ('secret_canary', to_jsonb($1::text)) ON CONFLICT (key) DO NOTHING`,
      [this.box.seal(CANARY)],
    );
    const [row] = await this.db.query<{ value: string }>(
      `SELECT value FROM settings WHERE key = 'secret_canary'`,
    );
    try {
      if (row && this.box.open(row.value) === CANARY) return;
    } catch {
      // a wrong key: reported below
    }
    const message =
      'the secret key of this server (NOMAFLOW_SECRET_KEY, or secret.key in the data folder) is not the one ' +
      "this database's secrets were sealed with; every process of one installation needs the same key";
    this.logger.error(message);
    throw new SecretKeyError(message);
  }
}
