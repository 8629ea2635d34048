import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized?: boolean;
}

const defaults: WindowBounds = { width: 1280, height: 820 };

/** Remembered window bounds, in a small JSON file beside the app's other data. */
export function loadWindowBounds(dataDir: string): WindowBounds {
  try {
    const raw = JSON.parse(
      readFileSync(join(dataDir, 'window-bounds.json'), 'utf8'),
    ) as Partial<WindowBounds>;
    const ok = (n: unknown, min: number) => typeof n === 'number' && Number.isFinite(n) && n >= min;
    if (!ok(raw.width, 400) || !ok(raw.height, 300)) return defaults;
    return {
      width: raw.width as number,
      height: raw.height as number,
      ...(ok(raw.x, -100000) && ok(raw.y, -100000) ? { x: raw.x as number, y: raw.y as number } : {}),
      maximized: raw.maximized === true,
    };
  } catch {
    return defaults;
  }
}

export function saveWindowBounds(dataDir: string, bounds: WindowBounds): void {
  const file = join(dataDir, 'window-bounds.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(bounds));
  renameSync(`${file}.tmp`, file);
}
