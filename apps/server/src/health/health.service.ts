import { Inject, Injectable, Optional } from '@nestjs/common';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { Database } from '../database/database.js';
import { PgListener } from '../database/pg-listener.js';
import { SCHEDULER_STATUS } from './scheduler-status.js';
import type { SchedulerStatus } from './scheduler-status.js';

export interface Readiness {
  ready: boolean;
  checks: Record<string, { ok: boolean; detail?: string | number | boolean | object }>;
}

@Injectable()
export class HealthService {
  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly db: Database,
    private readonly listener: PgListener,
    @Optional() @Inject(SCHEDULER_STATUS) private readonly scheduler?: SchedulerStatus,
  ) {}

  liveness(): { status: 'ok'; instance: string; roles: string[] } {
    return { status: 'ok', instance: this.config.instanceId, roles: [...this.config.roles] };
  }

  async readiness(): Promise<Readiness> {
    const checks: Readiness['checks'] = {};
    const reachable = await this.db.ping();
    checks.database = { ok: reachable };
    if (reachable) {
      const pending = await this.db.pendingMigrations().catch(() => true);
      checks.migrations = { ok: !pending, detail: pending ? 'pending' : 'applied' };
    } else {
      checks.migrations = { ok: false, detail: 'database unreachable' };
    }
    checks.notifications = { ok: this.listener.connected };
    if (this.config.roles.has('scheduler')) {
      const s = this.scheduler?.state();
      checks.scheduler = { ok: s?.state === 'running', detail: s ?? 'not started' };
    }
    return { ready: Object.values(checks).every((c) => c.ok), checks };
  }
}
