import { FIRST_PAGE, hasNext, hasPrevious, nextPage, pageLoaded, pageNumber, previousPage } from './pager';

describe('cursor pager', () => {
  it('walks forward with next cursors and back through the stack', () => {
    let p = pageLoaded(FIRST_PAGE, 'c2');
    expect([pageNumber(p), hasPrevious(p), hasNext(p)]).toEqual([1, false, true]);
    p = pageLoaded(nextPage(p), 'c3');
    expect(p.cursor).toBe('c2');
    p = pageLoaded(nextPage(p), null);
    expect([pageNumber(p), p.cursor, hasNext(p)]).toEqual([3, 'c3', false]);
    expect(nextPage(p)).toBe(p);

    p = previousPage(p);
    expect([pageNumber(p), p.cursor]).toEqual([2, 'c2']);
    p = previousPage(pageLoaded(p, 'c3'));
    expect([pageNumber(p), p.cursor, hasPrevious(p)]).toEqual([1, null, false]);
    expect(previousPage(p)).toBe(p);
  });

  it('does not know the next page until the current one has loaded', () => {
    expect(hasNext(nextPage(pageLoaded(FIRST_PAGE, 'c2')))).toBe(false);
  });
});
