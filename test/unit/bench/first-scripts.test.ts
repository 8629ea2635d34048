import { describe, expect, it } from 'vitest';
import { firstScriptsOf } from '../../bench/lib/first-scripts.ts';

describe('firstScriptsOf', () => {
  it("names a built page's module entry and its preloaded chunks, not its styles", () => {
    const html = `<head>
    <script type="module" crossorigin src="./assets/index-A.js"></script>
    <link rel="modulepreload" crossorigin href="./assets/runtime-B.js">
    <link rel="modulepreload" crossorigin href="./assets/store-C.js">
    <link rel="stylesheet" crossorigin href="./assets/index-D.css">
  </head>`;
    expect(firstScriptsOf(html)).toEqual([
      './assets/index-A.js',
      './assets/runtime-B.js',
      './assets/store-C.js',
    ]);
  });
});
