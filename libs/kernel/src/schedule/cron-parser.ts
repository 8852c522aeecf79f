/** Parses the cron dialect of job schedules: 5 Vixie fields, an optional trailing seconds field, aliases. */

export class CronParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CronParseError';
  }
}

export interface CronExpression {
  /** The text as given (trimmed). */
  source: string;
  seconds: readonly number[];
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: readonly number[];
  months: readonly number[];
  /** 0-6, 0 = Sunday (7 is accepted in the text and folded into 0). */
  daysOfWeek: readonly number[];
  domRestricted: boolean;
  dowRestricted: boolean;
  /** A 6th (seconds) field was given. */
  hasSeconds: boolean;
  /** Neither the minute nor the hour field starts with `*`: DST moves such fires instead of dropping them. */
  fixedTime: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTH_NAMES = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 };
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 };
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 };
const DAY_OF_MONTH: FieldSpec = { name: 'day-of-month', min: 1, max: 31 };
// Month names are 1-based, so a placeholder keeps the index equal to the month number.
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: ['', ...MONTH_NAMES] };
const DAY_OF_WEEK: FieldSpec = { name: 'day-of-week', min: 0, max: 7, names: DAY_NAMES };

const ALIASES: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

export function parseCron(expr: string): CronExpression {
  if (typeof expr !== 'string') throw new CronParseError('cron expression must be a string');
  const source = expr.trim();
  if (source === '') throw new CronParseError('cron expression is empty');

  let text = source;
  if (source.startsWith('@')) {
    const expansion = ALIASES[source.toLowerCase()];
    if (expansion === undefined) throw new CronParseError(`unknown alias "${source}"`);
    text = expansion;
  }

  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    throw new CronParseError(`expected 5 fields (or 6 with a trailing seconds field), got ${fields.length}`);
  }
  const [minuteText, hourText, domText, monthText, dowText, secondText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];

  const daysOfWeek = unique(parseField(dowText, DAY_OF_WEEK).map((d) => (d === 7 ? 0 : d)));
  return Object.freeze({
    source,
    seconds: secondText === undefined ? [0] : parseField(secondText, SECOND),
    minutes: parseField(minuteText, MINUTE),
    hours: parseField(hourText, HOUR),
    daysOfMonth: parseField(domText, DAY_OF_MONTH),
    months: parseField(monthText, MONTH),
    daysOfWeek,
    domRestricted: !domText.startsWith('*'),
    dowRestricted: !dowText.startsWith('*'),
    hasSeconds: secondText !== undefined,
    fixedTime: !minuteText.startsWith('*') && !hourText.startsWith('*'),
  });
}

export function isValidCron(expr: string): boolean {
  try {
    parseCron(expr);
    return true;
  } catch (err) {
    if (err instanceof CronParseError) return false;
    throw err;
  }
}

function parseField(text: string, spec: FieldSpec): number[] {
  const values: number[] = [];
  for (const item of text.split(',')) {
    if (item === '') throw new CronParseError(`${spec.name} field: empty list item in "${text}"`);
    values.push(...parseItem(item, spec));
  }
  return unique(values);
}

/** One list item: `*`, `*\/n`, `a`, `a-b`, `a-b/n` or `a/n` (a to the field maximum, every n). */
function parseItem(item: string, spec: FieldSpec): number[] {
  const slash = item.split('/');
  if (slash.length > 2) throw new CronParseError(`${spec.name} field: "${item}" has more than one "/"`);
  const [base = '', stepText] = slash;
  const step = stepText === undefined ? 1 : parseStep(stepText, item, spec);

  let from: number;
  let to: number;
  if (base === '*') {
    from = spec.min;
    // dow 7 is only an alias of Sunday; `*` must not add it twice.
    to = spec === DAY_OF_WEEK ? 6 : spec.max;
  } else if (base.includes('-')) {
    const parts = base.split('-');
    if (parts.length !== 2) throw new CronParseError(`${spec.name} field: "${item}" is not a valid range`);
    from = parseValue(parts[0] ?? '', spec);
    to = parseValue(parts[1] ?? '', spec);
    // `FRI-SUN` reads naturally as Friday to Sunday, so a named Sunday closing a range means 7.
    if (spec === DAY_OF_WEEK && to === 0 && from > 0 && /^sun$/i.test(parts[1] ?? '')) to = 7;
    if (from > to) throw new CronParseError(`${spec.name} field: range ${parts[0]}-${parts[1]} is reversed`);
  } else {
    from = parseValue(base, spec);
    to = stepText === undefined ? from : spec.max;
  }

  const values: number[] = [];
  for (let v = from; v <= to; v += step) values.push(v);
  return values;
}

function parseStep(text: string, item: string, spec: FieldSpec): number {
  if (!/^\d+$/.test(text))
    throw new CronParseError(`${spec.name} field: step "${text}" in "${item}" is not a number`);
  const step = Number(text);
  if (step === 0) throw new CronParseError(`${spec.name} field: step 0 in "${item}" is not allowed`);
  return step;
}

function parseValue(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const value = Number(text);
    if (value < spec.min || value > spec.max) {
      throw new CronParseError(`${spec.name} field: ${text} is out of range ${spec.min}-${spec.max}`);
    }
    return value;
  }
  const named = spec.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named > 0 || (named === 0 && spec.names?.[0] !== '')) return named;
  if (/^(\?|L|W|LW|\d+[LW]|.*#.*)$/i.test(text)) {
    throw new CronParseError(`${spec.name} field: "${text}" is not supported (no ?, L, W or # syntax)`);
  }
  if (text === '') throw new CronParseError(`${spec.name} field: missing value`);
  throw new CronParseError(`${spec.name} field: "${text}" is not a number${spec.names ? ' or a name' : ''}`);
}

function unique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
