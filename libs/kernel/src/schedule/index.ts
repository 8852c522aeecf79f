/** Schedule maths: cron parsing, IANA zone offsets, and DST-aware fire times. */
export { CronParseError, isValidCron, parseCron, type CronExpression } from './cron-parser.js';
export { isValidTimezone, serverTimezone } from './timezone.js';
export { firesBetween, nextFires, type Fire } from './next-fires.js';
