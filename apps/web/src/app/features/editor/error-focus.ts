/** What can take the keyboard focus inside a field's anchor, in order of preference. */
const FOCUSABLE =
  'input:not([type=hidden]):not([disabled]), textarea, select, [contenteditable="true"], button';

/**
 * Scrolls the field at `anchor` into view and focuses it once it is on the page: a step just
 * expanded, or a lazily loaded SQL editor, may take a few frames to appear.
 */
export function focusAnchor(anchor: string, doc: Document = document, framesLeft = 60): void {
  const el = doc.querySelector<HTMLElement>(`[data-error-path="${CSS.escape(anchor)}"]`);
  const sql = el?.querySelector('[data-sql-field]');
  const waitingForSql = sql !== null && sql !== undefined && !sql.querySelector('[contenteditable="true"]');
  if ((!el || waitingForSql) && framesLeft > 0) {
    requestAnimationFrame(() => focusAnchor(anchor, doc, framesLeft - 1));
    return;
  }
  if (!el) return;
  el.scrollIntoView({ block: 'center', behavior: 'auto' });
  const target = el.matches(FOCUSABLE) ? el : (el.querySelector<HTMLElement>(FOCUSABLE) ?? el);
  target.focus({ preventScroll: true });
}
