// A WebSocket as the page sees it (EventTarget, readyState, send), driven by the test: `serverOpens`,
// `serverSends`, `serverCloses`. What the page sent is in `sent`.
export class FakeWebSocket extends EventTarget {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static made: FakeWebSocket[] = [];
  readyState = FakeWebSocket.CONNECTING;
  readonly sent: unknown[] = [];

  constructor(readonly url: string) {
    super();
    FakeWebSocket.made.push(this);
  }

  send(data: string): void {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('send before open');
    this.sent.push(JSON.parse(data));
  }

  close(): void {
    this.serverCloses(1000, '');
  }

  serverOpens(): void {
    this.readyState = FakeWebSocket.OPEN;
    this.dispatchEvent(new Event('open'));
  }

  serverSends(frame: unknown): void {
    const event = new Event('message') as Event & { data: string };
    event.data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.dispatchEvent(event);
  }

  serverCloses(code: number, reason: string): void {
    this.readyState = FakeWebSocket.CLOSED;
    const event = new Event('close') as Event & { code: number; reason: string };
    event.code = code;
    event.reason = reason;
    this.dispatchEvent(event);
  }
}
