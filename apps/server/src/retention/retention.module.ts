import { Module } from '@nestjs/common';
import { RetentionClaimRepository } from './retention-claim.repository.js';
import { RetentionRepository } from './retention.repository.js';
import { RetentionService } from './retention.service.js';

/** The daily history prune; loaded with the `scheduler` role. */
@Module({
  providers: [RetentionService, RetentionRepository, RetentionClaimRepository],
  exports: [RetentionService],
})
export class RetentionModule {}
