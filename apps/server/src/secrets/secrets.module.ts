import { Global, Module } from '@nestjs/common';
import { SERVER_CONFIG } from '../config/server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { JobSecrets } from './job-secrets.js';
import { SecretBox } from './secret-box.js';
import { SecretCanary } from './secret-canary.js';

@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      inject: [SERVER_CONFIG],
      useFactory: (config: ServerConfig) => SecretBox.load(config.secretKey, config.dataDir),
    },
    JobSecrets,
    SecretCanary,
  ],
  exports: [SecretBox, JobSecrets],
})
export class SecretsModule {}
