// Browser mode (`switchyard web`): opens the page's socket and asks the first screen's questions
// while the app's bundle is still downloading and running, so that their answers are there when the
// app starts, instead of being asked only then (a round trip to the server, which may still be
// loading its core, after ~150 ms of script). A classic script, loaded `async` from index.html, so
// it runs as soon as it arrives, before the modules. renderer/src/api/boot-socket.ts hands the
// socket to the app's transport, with every frame received until then, in order.
// In the desktop app (the preload's bridge is there) or without a token it does nothing.
(() => {
  const page = window;
  if (page.switchyard) return;
  const token = new URLSearchParams(page.location.search).get('token');
  if (!token) return;
  // What the first screen asks, each with an empty request (renderer/src/stores/clusters-store.ts,
  // drafts-list-actions.ts). A question the app no longer asks first is only an unused answer.
  const FIRST_CALLS = ['app.info', 'contexts.list', 'demo.status', 'drafts.list'];
  let socket;
  try {
    socket = new page.WebSocket(`ws://${page.location.host}/api?token=${encodeURIComponent(token)}`);
  } catch {
    return; // the app opens its own socket, and says why it cannot
  }
  const frames = [];
  const keep = (message) => frames.push(message.data);
  socket.addEventListener('message', keep);
  const calls = FIRST_CALLS.map((channel, i) => ({ id: i + 1, channel }));
  socket.addEventListener(
    'open',
    () => {
      for (const { id, channel } of calls)
        socket.send(JSON.stringify({ type: 'call', id, channel, payload: {} }));
    },
    { once: true },
  );
  page.__switchyardBootSocket = {
    socket,
    calls,
    /** Hands the socket over, once: the frames received so far, in order; it keeps no more. */
    adopt() {
      socket.removeEventListener('message', keep);
      delete page.__switchyardBootSocket;
      return frames.splice(0);
    },
  };
})();
