import type { KubeObject, StoreEvent } from './object-store.ts';

export interface LoggedEvent extends StoreEvent {
  rv: number;
  /** The object before a MODIFIED event, so a filtered watch can tell an object left its selector. */
  previous?: KubeObject;
}

/**
 * The last N committed events, so a watch can resume from a recent resourceVersion; anything
 * older is gone, and the watch gets 410 like etcd's compaction gives a real server.
 */
export class ObjectEventLog {
  private readonly ring: (LoggedEvent | undefined)[];
  private next = 0;
  private size = 0;
  /** The highest resourceVersion no longer in the window (0 while nothing has fallen out). */
  compactedThrough = 0;

  constructor(readonly capacity: number) {
    this.ring = new Array(capacity);
  }

  push(ev: LoggedEvent): void {
    if (this.size === this.capacity) {
      const old = this.ring[this.next];
      if (old) this.compactedThrough = Math.max(this.compactedThrough, old.rv);
    } else this.size++;
    this.ring[this.next] = ev;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Treats every resourceVersion up to `rv` as compacted (objects loaded without events). */
  compactThrough(rv: number): void {
    this.compactedThrough = Math.max(this.compactedThrough, rv);
  }

  /** Events after `rv`, oldest first, or 'expired' when some of them fell out of the window. */
  since(rv: number): LoggedEvent[] | 'expired' {
    if (rv < this.compactedThrough) return 'expired';
    const out: LoggedEvent[] = [];
    for (let i = 0; i < this.size; i++) {
      const ev = this.ring[(this.next - this.size + i + this.capacity) % this.capacity];
      if (ev && ev.rv > rv) out.push(ev);
    }
    return out;
  }
}
