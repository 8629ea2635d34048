// One kept-alive connection pool per client and TLS identity. The credentials (ours in
// request-credentials.ts, or client-node's applyToHTTPSOptions) build a new Agent on every call, so
// every request to the API server opened a new TCP connection and did a full TLS handshake on it (both sides: ~a third of the CPU an apply spends before its
// write, on the demo's in-process API server). Requests now reuse an open connection, as kubectl's
// client-go does. The credentials stay per request (the Authorization header is set on each), and
// the agent is keyed on every TLS option the credentials pass, so a client certificate renewed by an
// exec plugin gets a new pool. Watches keep their own connection (they are long-lived anyway).

import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * How long an idle connection is kept: below the idle timeouts of common load balancers (60 s) and
 * of client-go (90 s), so a connection the far side has dropped is rarely reused. A server that says
 * `Keep-Alive: timeout=N` (Node's own, the demo's) is obeyed when shorter.
 */
export const IDLE_CONNECTION_MS = 30_000;

/** The options the credentials' agent was built with (both plain Agent classes keep them). */
type AgentOptions = Record<string, unknown>;

export interface KeptAliveAgents {
  /**
   * The pooled agent to use instead of the one the credentials just built; that one is returned as it
   * is when it is not a plain HTTP(S) agent (client-node's proxy agent for proxy-url keeps its own behaviour).
   */
  reuse(agent: unknown): unknown;
}

function keyOf(kind: string, options: AgentOptions): string {
  const hash = createHash('sha256').update(kind);
  for (const name of Object.keys(options).sort()) {
    const value = options[name];
    if (value === undefined || name === 'keepAlive' || name === 'timeout') continue;
    hash.update(`\u0000${name}=`);
    if (Buffer.isBuffer(value) || typeof value === 'string') hash.update(value);
    else if (Array.isArray(value))
      for (const v of value) hash.update(Buffer.isBuffer(v) || typeof v === 'string' ? v : JSON.stringify(v));
    else hash.update(JSON.stringify(value));
  }
  return hash.digest('hex');
}

export function createKeptAliveAgents(idleMs = IDLE_CONNECTION_MS): KeptAliveAgents {
  // One client has one TLS identity at a time: a new one (a renewed certificate) replaces the pool,
  // whose idle connections then close on their own and whose requests in flight finish.
  let current: { key: string; agent: HttpAgent } | undefined;
  return {
    reuse(agent) {
      const plainHttps = agent instanceof HttpsAgent && agent.constructor === HttpsAgent;
      const plainHttp = !plainHttps && agent instanceof HttpAgent && agent.constructor === HttpAgent;
      if (!plainHttps && !plainHttp) return agent;
      const options = (agent as HttpAgent & { options?: AgentOptions }).options ?? {};
      const key = keyOf(plainHttps ? 'https' : 'http', options);
      if (current?.key !== key) {
        // The agent's timeout closes a connection once idle that long (one in use only gets an
        // event nobody acts on: each request has its own deadline).
        const kept = { ...options, keepAlive: true, timeout: idleMs };
        current = { key, agent: plainHttps ? new HttpsAgent(kept) : new HttpAgent(kept) };
      }
      return current.agent;
    },
  };
}
