/**
 * Cursor pagination, newest first. The API only hands out a cursor to the *next* page, so going
 * back replays the cursors that led here.
 */
export interface PagerState {
  /** The cursor the current page was read with; null = first page. */
  cursor: string | null;
  /** The cursors of the pages before this one, oldest first. */
  previous: (string | null)[];
  /** The API's `next_cursor` for the current page; null = last page. */
  next: string | null;
}

export const FIRST_PAGE: PagerState = { cursor: null, previous: [], next: null };

/** The current page was read: remember where the next one starts. */
export function pageLoaded(state: PagerState, nextCursor: string | null): PagerState {
  return { ...state, next: nextCursor };
}

export function hasNext(state: PagerState): boolean {
  return state.next !== null;
}

export function hasPrevious(state: PagerState): boolean {
  return state.previous.length > 0;
}

export function nextPage(state: PagerState): PagerState {
  if (state.next === null) return state;
  return { cursor: state.next, previous: [...state.previous, state.cursor], next: null };
}

export function previousPage(state: PagerState): PagerState {
  if (state.previous.length === 0) return state;
  return {
    cursor: state.previous[state.previous.length - 1]!,
    previous: state.previous.slice(0, -1),
    next: null,
  };
}

/** 1-based page number, for "page 3". */
export function pageNumber(state: PagerState): number {
  return state.previous.length + 1;
}
