import { atBottom, nextFollowing } from './follow-scroll';

const at = (scrollTop: number, scrollHeight = 2000, clientHeight = 400) => ({
  scrollTop,
  scrollHeight,
  clientHeight,
});

describe('follow mode of the log', () => {
  it('knows the bottom, with a little slack for rounding', () => {
    expect(atBottom(at(1600))).toBe(true);
    expect(atBottom(at(1597))).toBe(true);
    expect(atBottom(at(1500))).toBe(false);
  });

  it('pauses when the user scrolls up away from the bottom', () => {
    expect(nextFollowing(true, 1600, at(1400))).toBe(false);
  });

  it('keeps following while at the bottom, even after content grew', () => {
    expect(nextFollowing(true, 1600, at(2600, 3000))).toBe(true);
  });

  it('stays paused while lines arrive or the user scrolls down but not to the end', () => {
    expect(nextFollowing(false, 1000, at(1000, 4000))).toBe(false);
    expect(nextFollowing(false, 1000, at(1200, 4000))).toBe(false);
  });

  it('resumes when the user scrolls back to the bottom', () => {
    expect(nextFollowing(false, 1000, at(3600, 4000))).toBe(true);
  });

  it('does not pause on a scroll down that has not yet reached the grown end', () => {
    expect(nextFollowing(true, 1600, at(1700, 3000))).toBe(true);
  });
});
