/**
 * Main-thread CPU profile of a page (Chrome DevTools Protocol sampling profiler), with self time
 * attributed to original sources through the build's source maps: which package (plotly.js,
 * react-dom, …) or which file of ours keeps the main thread busy.
 */
import type { CDPSession, Page } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  /** Profiled wall time, ms. */
  wallMs: number;
  /** Sampled time not idle, ms. */
  busyMs: number;
  /** Self time by origin (npm package, our source file, or a V8 bucket such as (garbage collector)), largest first. */
  byOrigin: { origin: string; ms: number }[];
  /** The hottest functions by self time, at their original source position where a map knows it. */
  topFunctions: { name: string; at: string; ms: number }[];
  /** False when the build had no source maps: origins are then bundle files. */
  sourceMapped: boolean;
}

export class MainThreadProfiler {
  private constructor(private readonly cdp: CDPSession) {}

  static async start(page: Page, intervalUs = 500): Promise<MainThreadProfiler> {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: intervalUs });
    await cdp.send('Profiler.start');
    return new MainThreadProfiler(cdp);
  }

  async stop(distDir: string): Promise<ProfileSummary> {
    const { profile } = (await this.cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    await this.cdp.detach().catch(() => undefined);
    return summarise(profile, distDir);
  }
}

function summarise(profile: CpuProfile, distDir: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time since the previous sample; charge it to the sample it ends at.
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  const maps = new SourceMaps(distDir);
  const origins = new Map<string, number>();
  const functions = new Map<string, { name: string; at: string; ms: number }>();
  let busy = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    if (frame.functionName === '(idle)') continue;
    busy += ms;
    const pos = frame.url ? maps.original(frame.url, frame.lineNumber, frame.columnNumber) : null;
    const origin = !frame.url ? frame.functionName || '(anonymous native)' : pos ? originOf(pos.source) : basename(frame.url.split('?')[0]);
    origins.set(origin, (origins.get(origin) ?? 0) + ms);
    if (frame.url) {
      const at = pos ? `${shortSource(pos.source)}:${pos.line + 1}` : `${basename(frame.url.split('?')[0])}:${frame.lineNumber + 1}:${frame.columnNumber + 1}`;
      const name = pos?.name ?? frame.functionName ?? '';
      const key = `${name}@${at}`;
      const f = functions.get(key) ?? { name: name || '(anonymous)', at, ms: 0 };
      f.ms += ms;
      functions.set(key, f);
    }
  }
  const r1 = (x: number) => Math.round(x * 10) / 10;
  return {
    wallMs: r1((profile.endTime - profile.startTime) / 1000),
    busyMs: r1(busy),
    byOrigin: [...origins]
      .map(([origin, ms]) => ({ origin, ms: r1(ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12),
    topFunctions: [...functions.values()]
      .map((f) => ({ ...f, ms: r1(f.ms) }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10),
    sourceMapped: maps.any,
  };
}

/** 'node_modules/.pnpm/x/node_modules/@scope/pkg/lib/a.js' → '@scope/pkg'; our files keep their path from src/. */
function originOf(source: string): string {
  const i = source.lastIndexOf('node_modules/');
  if (i >= 0) {
    const parts = source.slice(i + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return shortSource(source);
}

function shortSource(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) return source.slice(nm + 'node_modules/'.length);
  const src = source.lastIndexOf('src/');
  return src >= 0 ? source.slice(src) : source.replace(/^(\.\.\/)+/, '');
}

interface Segment {
  col: number;
  source: number;
  line: number;
  name?: number;
}
interface LoadedMap {
  sources: string[];
  names: string[];
  lines: Segment[][];
}

/** Source map v3 (`mappings` VLQ) for the build's assets, loaded lazily by bundle file name. */
class SourceMaps {
  private readonly cache = new Map<string, LoadedMap | null>();
  any = false;
  constructor(private readonly distDir: string) {}

  original(url: string, line: number, col: number): { source: string; line: number; name?: string } | null {
    const file = basename(new URL(url, 'http://x').pathname);
    let map = this.cache.get(file);
    if (map === undefined) {
      const path = join(this.distDir, 'assets', `${file}.map`);
      map = existsSync(path) ? decode(JSON.parse(readFileSync(path, 'utf8')) as RawMap) : null;
      if (map) this.any = true;
      this.cache.set(file, map);
    }
    const segs = map?.lines[line];
    if (!map || !segs || segs.length === 0) return null;
    // The last segment starting at or before the column.
    let lo = 0;
    let hi = segs.length - 1;
    if (segs[0].col > col) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].col <= col) lo = mid;
      else hi = mid - 1;
    }
    const s = segs[lo];
    return { source: map.sources[s.source] ?? '?', line: s.line, name: s.name !== undefined ? map.names[s.name] : undefined };
  }
}

interface RawMap {
  sources: string[];
  names?: string[];
  mappings: string;
}

const B64 = new Map([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]));

function decode(raw: RawMap): LoadedMap {
  const lines: Segment[][] = [];
  let source = 0;
  let srcLine = 0;
  let name = 0;
  for (const lineText of raw.mappings.split(';')) {
    const segs: Segment[] = [];
    let col = 0;
    if (lineText) {
      for (const segText of lineText.split(',')) {
        const v = vlq(segText);
        col += v[0];
        if (v.length >= 4) {
          source += v[1];
          srcLine += v[2];
          // v[3], the source column, is a delta too, but no report reads columns.
          const seg: Segment = { col, source, line: srcLine };
          if (v.length >= 5) {
            name += v[4];
            seg.name = name;
          }
          segs.push(seg);
        }
      }
    }
    lines.push(segs);
  }
  return { sources: raw.sources, names: raw.names ?? [], lines };
}

function vlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const digit = B64.get(c) ?? 0;
    value += (digit & 31) << shift;
    if (digit & 32) shift += 5;
    else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}
