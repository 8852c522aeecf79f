import { StepFailedError } from '@nomaflow/contracts';
import { abortableDelay, defineStepType } from '@nomaflow/kernel';
import { manifest } from './manifest.generated.js';

export default defineStepType({
  manifest,
  async execute(ctx, config) {
    if (config.message !== undefined) ctx.log.info(config.message);
    if (config.ms > 0) await abortableDelay(config.ms, ctx.signal);
    if (config.fail) throw new StepFailedError('noop step asked to fail (fail: true)');
    return { params: { ...ctx.params } };
  },
});
