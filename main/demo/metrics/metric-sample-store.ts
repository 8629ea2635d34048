import type { IstioMetricsRegistry, Labels, MetricSeries } from './istio-metrics-registry.ts';

/** How many scrapes one chunk holds; memory is allocated a chunk at a time and dropped whole. */
const CHUNK = 256;

export interface StoredSeries {
  readonly labels: Readonly<Labels>;
  /** Chunk number → values (NaN where the series had no sample at that scrape). */
  readonly chunks: Map<number, Float64Array>;
}

export interface SamplePoints {
  times: number[];
  values: number[];
}

export interface SampleStoreOptions {
  retentionMs: number;
  intervalMs: number;
}

/**
 * The demo Prometheus' storage: every series sampled at each scrape into fixed-size chunks on one
 * shared timeline, so a sample costs 8 bytes and a timestamp is stored once per scrape, not per
 * series. Old chunks are dropped when they fall out of retention.
 */
export class MetricSampleStore {
  private readonly byId = new Map<number, StoredSeries>();
  private readonly timeChunks = new Map<number, Float64Array>();
  private firstIndex = 0;
  private nextIndex = 0;
  private readonly capacity: number;

  constructor(private readonly opts: SampleStoreOptions) {
    if (!(opts.intervalMs > 0) || !(opts.retentionMs >= opts.intervalMs)) {
      throw new Error(
        `sample store: invalid interval ${opts.intervalMs} ms / retention ${opts.retentionMs} ms`,
      );
    }
    this.capacity = Math.ceil(opts.retentionMs / opts.intervalMs) + 1;
  }

  get intervalMs(): number {
    return this.opts.intervalMs;
  }

  get sampleCount(): number {
    return this.nextIndex - this.firstIndex;
  }

  /** Time of the newest scrape, or undefined before the first. */
  get latestMs(): number | undefined {
    return this.nextIndex > this.firstIndex ? this.timeAt(this.nextIndex - 1) : undefined;
  }

  /** Appends one scrape of every series in the registry at `timeMs`. */
  scrape(registry: IstioMetricsRegistry, timeMs: number): void {
    this.append(timeMs, (put) => registry.collect((series, value) => put(series, value)));
  }

  /** Appends one scrape; `fill` reports each series' value (exposed for tests with hand-made series). */
  append(timeMs: number, fill: (put: (series: MetricSeries, value: number) => void) => void): void {
    const latest = this.latestMs;
    if (latest !== undefined && timeMs <= latest) return;
    const index = this.nextIndex++;
    const chunkNo = Math.floor(index / CHUNK);
    const offset = index % CHUNK;
    let times = this.timeChunks.get(chunkNo);
    if (!times) {
      times = new Float64Array(CHUNK).fill(Number.NaN);
      this.timeChunks.set(chunkNo, times);
    }
    times[offset] = timeMs;
    fill((series, value) => {
      let stored = this.byId.get(series.id);
      if (!stored) {
        stored = { labels: series.labels, chunks: new Map() };
        this.byId.set(series.id, stored);
      }
      let chunk = stored.chunks.get(chunkNo);
      if (!chunk) {
        chunk = new Float64Array(CHUNK).fill(Number.NaN);
        stored.chunks.set(chunkNo, chunk);
      }
      chunk[offset] = value;
    });
    this.prune();
  }

  /** Series whose labels pass `filter`. */
  select(filter: (labels: Readonly<Labels>) => boolean): StoredSeries[] {
    const out: StoredSeries[] = [];
    for (const s of this.byId.values()) if (filter(s.labels)) out.push(s);
    return out;
  }

  /** Every distinct label set (for /api/v1/series and label value listings). */
  allSeries(): StoredSeries[] {
    return [...this.byId.values()];
  }

  /** The samples of one series with startMs < t <= endMs, oldest first. */
  points(series: StoredSeries, startMs: number, endMs: number): SamplePoints {
    const times: number[] = [];
    const values: number[] = [];
    for (let i = this.indexAfter(startMs); i < this.nextIndex; i++) {
      const t = this.timeAt(i);
      if (t > endMs) break;
      const v = series.chunks.get(Math.floor(i / CHUNK))?.[i % CHUNK];
      if (v === undefined || Number.isNaN(v)) continue;
      times.push(t);
      values.push(v);
    }
    return { times, values };
  }

  /** The newest sample of a series with startMs < t <= endMs. */
  latest(series: StoredSeries, startMs: number, endMs: number): { t: number; v: number } | undefined {
    for (let i = this.indexAfter(endMs) - 1; i >= this.firstIndex; i--) {
      const t = this.timeAt(i);
      if (t <= startMs) return undefined;
      const v = series.chunks.get(Math.floor(i / CHUNK))?.[i % CHUNK];
      if (v !== undefined && !Number.isNaN(v)) return { t, v };
    }
    return undefined;
  }

  private timeAt(index: number): number {
    return this.timeChunks.get(Math.floor(index / CHUNK))?.[index % CHUNK] ?? Number.NaN;
  }

  /** The first index whose time is > timeMs. */
  private indexAfter(timeMs: number): number {
    let lo = this.firstIndex;
    let hi = this.nextIndex;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timeAt(mid) <= timeMs) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private prune(): void {
    if (this.nextIndex - this.firstIndex <= this.capacity) return;
    this.firstIndex = this.nextIndex - this.capacity;
    const firstChunk = Math.floor(this.firstIndex / CHUNK);
    for (const no of this.timeChunks.keys()) if (no < firstChunk) this.timeChunks.delete(no);
    for (const [id, s] of this.byId) {
      for (const no of s.chunks.keys()) if (no < firstChunk) s.chunks.delete(no);
      if (s.chunks.size === 0) this.byId.delete(id);
    }
  }
}
