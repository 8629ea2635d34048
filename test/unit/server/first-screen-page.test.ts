import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  firstScreenWithin,
  pageAroundRoot,
  rootWithFirstScreen,
} from '../../../main/server/first-screen-page.ts';
import { startWebServer, type WebServer } from '../../../main/server/web-server.ts';
import { fakeHandlers } from '../../helpers/fake-handlers.ts';

const INDEX =
  '<!doctype html><html><head><title>Switchyard</title><script async src="./socket-boot.js"></script></head>' +
  '<body><div id="root"></div><script type="module" src="./assets/index.js"></script></body></html>';

const page = (first: { answers: string; html: string } | undefined) => {
  const parts = pageAroundRoot(INDEX);
  if (!parts) throw new Error('no #root');
  return parts.before + rootWithFirstScreen(first) + parts.after;
};

describe('the page with its first screen', () => {
  it('is the page with the screen inside #root and the answers after it, the rest unchanged', () => {
    expect(page({ answers: '{"a":1}', html: '<ul><li>bench</li></ul>' })).toBe(
      '<!doctype html><html><head><title>Switchyard</title><script async src="./socket-boot.js"></script></head>' +
        '<body><div id="root" aria-busy="true" aria-disabled="true"><ul><li>bench</li></ul></div>' +
        '<script id="switchyard-first" type="application/json">{"a":1}</script>' +
        '<script type="module" src="./assets/index.js"></script></body></html>',
    );
    expect(page(undefined)).toBe(INDEX);
  });

  it('writes every < of the answers as \\u003c: a context named </script> cannot end the block', () => {
    const answers = JSON.stringify({ name: '</script><script>alert(1)</script><!--' });
    const html = page({ answers, html: '' });
    const at = html.indexOf('<script id="switchyard-first"');
    const block = html.slice(at, html.indexOf('</script>', at) + '</script>'.length);
    expect(block).not.toContain('<!--');
    const json = block.slice(block.indexOf('>') + 1, -'</script>'.length);
    expect(JSON.parse(json)).toEqual({ name: '</script><script>alert(1)</script><!--' });
  });

  it('leaves a page without a single empty #root to be served as it is', () => {
    expect(pageAroundRoot('<html><body><div id="app"></div></body></html>')).toBeUndefined();
    expect(pageAroundRoot('<div id="root"></div><div id="root"></div>')).toBeUndefined();
    expect(pageAroundRoot('<head></head><div id="root"></div>')).toEqual({
      before: '<head></head>',
      after: '',
    });
  });

  it('is given up when the render fails or outlasts its limit', async () => {
    expect(await firstScreenWithin(() => Promise.reject(new Error('no core')), 1000)).toBeUndefined();
    const started = Date.now();
    expect(await firstScreenWithin(() => new Promise(() => {}), 50)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(1000);
    const first = { answers: '{}', html: '' };
    expect(await firstScreenWithin(async () => first, 1000)).toBe(first);
    // One that throws before it returns a promise is a failed render as well.
    const throwsAtOnce = (): Promise<undefined> => {
      throw new Error('no core');
    };
    expect(await firstScreenWithin(throwsAtOnce, 1000)).toBeUndefined();
  });
});

describe('the web server serves the page with its first screen', () => {
  const rendererDir = mkdtempSync(join(tmpdir(), 'sy-renderer-first-'));
  writeFileSync(join(rendererDir, 'index.html'), INDEX);
  let server: WebServer | undefined;
  afterEach(() => server?.close());

  /** Asks for the page with its token (GET unless `method`); `onChunk` sees each chunk as it comes. */
  function askPage(port: number, opts: { method?: string; onChunk?: (chunk: string) => void } = {}) {
    return new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          ...(opts.method ? { method: opts.method } : {}),
          path: '/?token=test-token-0123456789',
          headers: { host: `127.0.0.1:${port}` },
        },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
            opts.onChunk?.(String(c));
          });
          res.on('end', () => resolve({ status: res.statusCode, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  async function pageOf(firstScreen: () => Promise<{ answers: string; html: string } | undefined>) {
    server = await startWebServer({
      rendererDir,
      token: 'test-token-0123456789',
      subscribe: () => () => {},
      handlers: fakeHandlers({}),
      firstScreen,
      firstScreenLimitMs: 100,
    });
    return (await askPage(server.port)).body;
  }

  it('with the answers and the rendered screen', async () => {
    const body = await pageOf(async () => ({ answers: '{"ok":true}', html: '<p>Clusters</p>' }));
    expect(body).toBe(page({ answers: '{"ok":true}', html: '<p>Clusters</p>' }));
  });

  it('sends the head before the first screen is rendered', async () => {
    let render: (first: { answers: string; html: string }) => void = () => {};
    const rendered = new Promise<{ answers: string; html: string }>((r) => {
      render = r;
    });
    server = await startWebServer({
      rendererDir,
      token: 'test-token-0123456789',
      subscribe: () => () => {},
      handlers: fakeHandlers({}),
      firstScreen: () => rendered,
    });
    const chunks: string[] = [];
    const { body } = await askPage(server.port, {
      onChunk: (c) => {
        chunks.push(c);
        // The head is here while the render still waits: now let it finish.
        if (chunks.length === 1) render({ answers: '{}', html: '<p>Clusters</p>' });
      },
    });
    expect(body).toBe(page({ answers: '{}', html: '<p>Clusters</p>' }));
    expect(chunks[0]).toBe(pageAroundRoot(INDEX)?.before);
  });

  it('answers a HEAD without rendering anything (a probe is no page)', async () => {
    let renders = 0;
    server = await startWebServer({
      rendererDir,
      token: 'test-token-0123456789',
      subscribe: () => () => {},
      handlers: fakeHandlers({}),
      firstScreen: async () => {
        renders++;
        return { answers: '{}', html: '<p>Clusters</p>' };
      },
    });
    const { status } = await askPage(server.port, { method: 'HEAD' });
    expect(status).toBe(200);
    expect(renders).toBe(0);
  });

  it('cuts a page off, rather than append error text to it, when it fails after its head went out', async () => {
    // Answers that are no string make the page's tail fail to build once the head is sent.
    const outcome = await pageOf(async () => ({ html: '<p>Clusters</p>' }) as never).then(
      (body) => `ended: ${body}`,
      (err: Error) => `cut: ${err.message}`,
    );
    expect(outcome).not.toContain('internal error');
    expect(outcome).toMatch(/^cut: /);
  });

  it('as it is when the first screen fails, or does not come within the limit', async () => {
    expect(await pageOf(() => Promise.reject(new Error('the core did not load')))).toBe(INDEX);
    await server?.close();
    expect(await pageOf(() => new Promise(() => {}))).toBe(INDEX);
  });
});
