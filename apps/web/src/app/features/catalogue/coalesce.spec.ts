import { coalesced } from './coalesce';

function deferred() {
  let resolve!: () => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('coalesced', () => {
  it('keeps one run in flight and folds a burst into one trailing run', async () => {
    const runs: ReturnType<typeof deferred>[] = [];
    const run = coalesced(() => {
      const d = deferred();
      runs.push(d);
      return d.promise;
    });
    const first = run();
    const burst = [run(), run(), run()];
    expect(runs).toHaveLength(1);
    expect(burst[0]).toBe(burst[2]);
    runs[0]!.resolve();
    await first;
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toHaveLength(2);
    let settled = false;
    void burst[0]!.then(() => (settled = true));
    await Promise.resolve();
    expect(settled).toBe(false);
    runs[1]!.resolve();
    await Promise.all(burst);
    expect(runs).toHaveLength(2);
    void run();
    expect(runs).toHaveLength(3);
  });

  it('still runs the trailing call after a failed one', async () => {
    let calls = 0;
    const first = deferred();
    const run = coalesced(() => (++calls === 1 ? first.promise : Promise.resolve()));
    const a = run();
    const b = run();
    first.reject(new Error('down'));
    await expect(a).rejects.toThrow('down');
    await b;
    expect(calls).toBe(2);
  });
});
