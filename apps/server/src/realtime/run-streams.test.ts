import { EventEmitter } from 'node:events';
import { describe, expect, it } from '@jest/globals';
import type { LogLineEvent, RunEvent } from '@nomaflow/contracts';
import type { RunEventReader } from './run-event-reader.js';
import type { RunNotice } from './run-notices.js';
import { RunStreams } from './run-streams.js';
import type { AppServer, AppSocket } from './socket-types.js';

/**
 * RunStreams against an in-memory run_events table, fake sockets and a seeded random schedule:
 * writers append (with seq holes now and then), notices arrive late and sometimes carry the rows,
 * reads take random time, clients join at any seq, reconnect, unsubscribe, and stall (a full write
 * buffer). Whatever the interleaving, each subscription must receive exactly the stored events
 * after its after_seq, in order, once each.
 */
const RUN = '00000000-0000-4000-8000-000000000001';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tick = () => new Promise<void>((r) => setImmediate(r));

class FakeConn extends EventEmitter {
  writeBuffer: unknown[] = [];
}

class FakeSocket {
  static next = 0;
  readonly id = `s${FakeSocket.next++}`;
  readonly rooms = new Set<string>();
  readonly conn = new FakeConn();
  readonly received: RunEvent[] = [];
  connected = true;

  constructor(readonly afterSeq: number) {}

  get disconnected(): boolean {
    return !this.connected;
  }
  join(room: string): void {
    this.rooms.add(room);
  }
  leave(room: string): void {
    this.rooms.delete(room);
  }
  emit(event: string, data: unknown): boolean {
    if (event === 'log:line') this.received.push(...(data as { lines: LogLineEvent[] }).lines);
    else this.received.push(data as RunEvent);
    return true;
  }
  stall(): void {
    this.conn.writeBuffer = new Array(100).fill(0);
  }
  resume(): void {
    this.conn.writeBuffer = [];
    this.conn.emit('drain');
  }
  close(): void {
    this.connected = false;
    this.rooms.clear();
    this.conn.emit('close');
  }
}

class World {
  readonly table: RunEvent[] = [];
  readonly sockets = new Set<FakeSocket>();
  readonly pending: RunNotice[] = [];
  lastSeq = 0;

  constructor(readonly rnd: () => number) {}

  readonly reader = {
    events: async (runId: string, after: number, upTo: number): Promise<RunEvent[]> => {
      const snapshot = this.table.filter((e) => e.run_id === runId && e.seq > after && e.seq <= upTo);
      for (let i = Math.floor(this.rnd() * 3); i > 0; i--) await tick();
      return snapshot;
    },
    lastSeq: async (runId: string): Promise<number> => {
      const seq = this.table.filter((e) => e.run_id === runId).reduce((m, e) => Math.max(m, e.seq), 0);
      await tick();
      return seq;
    },
  };

  readonly server = {
    to: (room: string) => ({
      emit: (event: string, data: unknown) => {
        for (const s of this.sockets) if (s.connected && s.rooms.has(room)) s.emit(event, data);
      },
    }),
  };

  /** One committed statement: its rows are visible at once, its notice arrives later. */
  write(count: number): void {
    if (this.rnd() < 0.1) this.lastSeq += 1; // a hole (events lost to a database crash)
    const from = this.lastSeq + 1;
    const rows: RunEvent[] = [];
    for (let i = 0; i < count; i++) {
      const seq = ++this.lastSeq;
      const at = new Date(seq).toISOString();
      rows.push({
        type: 'log:line',
        run_id: RUN,
        seq,
        at,
        line: { seq, ts: at, level: 'INFO', step: 's', message: `line ${seq}` },
      });
    }
    this.table.push(...rows);
    this.pending.push({
      runId: RUN,
      from,
      to: this.lastSeq,
      state: false,
      ...(count <= 4 && this.rnd() < 0.7 ? { events: rows.map((r) => ({ ...r })) } : {}),
    });
  }
}

async function scenario(seed: number): Promise<void> {
  const rnd = random(seed);
  const world = new World(rnd);
  const streams = new RunStreams(world.reader as unknown as RunEventReader);
  streams.attach(world.server as unknown as AppServer);
  const asSocket = (s: FakeSocket) => s as unknown as AppSocket;
  const checked: FakeSocket[] = [];

  const join = (afterSeq: number) => {
    const s = new FakeSocket(afterSeq);
    world.sockets.add(s);
    void streams.subscribe(asSocket(s), RUN, afterSeq);
    return s;
  };

  world.write(3);
  for (let step = 0; step < 400; step++) {
    const r = rnd();
    if (r < 0.35) world.write(1 + Math.floor(rnd() * (rnd() < 0.2 ? 60 : 4)));
    else if (r < 0.6 && world.pending.length > 0) streams.onNotice(world.pending.shift()!);
    else if (r < 0.66) join(Math.floor(rnd() * (world.lastSeq + 3)));
    else if (r < 0.7) {
      // a client reconnects: a new socket after the last seq the old one saw
      const old = [...world.sockets].find((s) => s.connected);
      if (old) {
        old.close();
        streams.dropSocket(asSocket(old));
        checked.push(old);
        join(old.received.at(-1)?.seq ?? old.afterSeq);
      }
    } else if (r < 0.74) [...world.sockets][Math.floor(rnd() * world.sockets.size)]?.stall();
    else if (r < 0.8)
      for (const s of world.sockets)
        if (s.conn.writeBuffer.length) s.resume();
        else if (r < 0.84) streams.rescanAll();
    await tick();
  }
  while (world.pending.length > 0) streams.onNotice(world.pending.shift()!);
  for (const s of world.sockets) s.resume();
  for (let i = 0; i < 500; i++) {
    const behind = [...world.sockets].filter(
      (s) => s.connected && (s.received.at(-1)?.seq ?? s.afterSeq) < world.lastSeq,
    );
    if (behind.length === 0) break;
    for (const s of behind) if (s.conn.writeBuffer.length) s.resume();
    await tick();
  }

  expect(world.sockets.size).toBeGreaterThan(0);
  for (const s of [...world.sockets, ...checked]) {
    const expected = world.table.filter((e) => e.seq > s.afterSeq);
    const got = s.received;
    if (s.connected) expect(got.map((e) => e.seq)).toEqual(expected.map((e) => e.seq));
    else expect(got.map((e) => e.seq)).toEqual(expected.slice(0, got.length).map((e) => e.seq));
    expect(got).toEqual(expected.slice(0, got.length));
  }
  const stats = streams.stats();
  expect(stats.noticeBatches + stats.readBatches).toBeGreaterThan(0);
  if (process.env.RT_DEBUG)
    console.log(seed, JSON.stringify(stats), world.sockets.size, checked.length, world.lastSeq);
  streams.beforeApplicationShutdown();
}

describe('RunStreams', () => {
  it('gives every subscription exactly the stored events after its seq, whatever the interleaving', async () => {
    for (let seed = 1; seed <= 40; seed++) {
      try {
        await scenario(seed);
      } catch (e) {
        throw new Error(`seed ${seed}: ${(e as Error).message}`);
      }
    }
  });
});
