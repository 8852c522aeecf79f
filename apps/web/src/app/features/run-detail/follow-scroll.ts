/** A scroll position of the log viewport, in pixels. */
export interface ScrollMetrics {
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}

/** Within this many pixels of the end counts as "at the bottom" (sub-pixel rounding, zoom). */
export const BOTTOM_SLACK_PX = 4;

export function atBottom(m: ScrollMetrics): boolean {
  return m.scrollHeight - m.scrollTop - m.clientHeight <= BOTTOM_SLACK_PX;
}

/**
 * Whether the log keeps following new lines after a scroll event. Only a move *up* away from the
 * bottom pauses: content growing under a paused view, or the browser clamping scrollTop when a
 * filter shrinks the list, must not flip the state. Reaching the bottom again resumes.
 */
export function nextFollowing(following: boolean, previousTop: number, m: ScrollMetrics): boolean {
  if (atBottom(m)) return true;
  if (m.scrollTop < previousTop) return false;
  return following;
}
