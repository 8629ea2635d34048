import { describe, expect, it } from 'vitest';
import { weightAtPointer, weightForKey } from '../../../renderer/src/features/release/slider-keys.ts';
import {
  createSplitEditorStore,
  hasUnappliedChanges,
} from '../../../renderer/src/stores/split-editor-store.ts';

describe('slider keys', () => {
  it('moves by one with the arrows and by ten with PageUp/PageDown, within 0..100', () => {
    expect(weightForKey('ArrowRight', 10)).toBe(11);
    expect(weightForKey('ArrowUp', 10)).toBe(11);
    expect(weightForKey('ArrowLeft', 10)).toBe(9);
    expect(weightForKey('ArrowDown', 0)).toBe(0);
    expect(weightForKey('PageUp', 95)).toBe(100);
    expect(weightForKey('PageDown', 25)).toBe(15);
    expect(weightForKey('Home', 40)).toBe(0);
    expect(weightForKey('End', 40)).toBe(100);
    expect(weightForKey('a', 40)).toBeNull();
  });

  it('maps a pointer position on the track to a whole percentage', () => {
    expect(weightAtPointer(150, 100, 200)).toBe(25);
    expect(weightAtPointer(50, 100, 200)).toBe(0);
    expect(weightAtPointer(400, 100, 200)).toBe(100);
  });
});

describe('the split editor store', () => {
  const base = [
    { version: 'v1', weight: 80 },
    { version: 'v2', weight: 10 },
    { version: 'v3', weight: 10 },
  ];

  it('keeps edits local and says when there are unapplied changes', () => {
    const store = createSplitEditorStore(base);
    expect(hasUnappliedChanges(store.getState())).toBe(false);
    store.getState().move('v3', 30);
    expect(store.getState().desired.map((v) => v.weight)).toEqual([62, 8, 30]);
    expect(store.getState().base).toEqual(base);
    expect(hasUnappliedChanges(store.getState())).toBe(true);
    store.getState().discard();
    expect(hasUnappliedChanges(store.getState())).toBe(false);
  });

  it('honours locks and explains a clamped move', () => {
    const store = createSplitEditorStore(base);
    store.getState().lock('v1', true);
    store.getState().move('v2', 50);
    expect(store.getState().desired.map((v) => v.weight)).toEqual([80, 20, 0]);
    expect(store.getState().notice).toMatch(/at most 20%/);
  });

  it('cuts over and splits evenly', () => {
    const store = createSplitEditorStore(base);
    store.getState().cutOver('v2');
    expect(store.getState().desired.map((v) => v.weight)).toEqual([0, 100, 0]);
    store.getState().even();
    expect(store.getState().desired.map((v) => v.weight)).toEqual([34, 33, 33]);
  });
});
