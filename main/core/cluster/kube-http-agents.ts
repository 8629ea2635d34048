// One kept-alive connection pool per client and TLS identity. The credentials (ours in
// request-credentials.ts, or client-node's applyToHTTPSOptions) build a new Agent on every call, so
// every request to the API server opened a new TCP connection and did a full TLS handshake on it (both sides: ~a third of the CPU an apply spends before its
// write, on the demo's in-process API server). Requests now reuse an open connection, as kubectl's
// client-go does. The credentials stay per request (the Authorization header is set on each), and
// the agent is keyed on every TLS option the credentials pass, so a client certificate renewed by an
// exec plugin gets a new pool. Watches keep their own connection (they are long-lived anyway), but
// share the identity's one TLS context with the pool: Node would otherwise build one per connection.

import { createHash } from 'node:crypto';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createSecureContext, type SecureContext, type SecureContextOptions } from 'node:tls';

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
  /**
   * For a connection of its own (a watch): an HTTPS agent with the same options and the identity's
   * one TLS context. Without it, every connection builds its own (parses the CA, the certificate and
   * the key again): ~14 ms of the first connect's stall, with its probes, lists and watches at once.
   */
  ownConnection(agent: unknown): unknown;
}

/** What Node builds a connection's TLS context from (the rest of the options are per connection). */
const CONTEXT_KEYS = [
  'ca',
  'cert',
  'key',
  'passphrase',
  'pfx',
  'ciphers',
  'minVersion',
  'maxVersion',
] as const;

function contextOptions(options: AgentOptions): AgentOptions {
  const out: AgentOptions = {};
  for (const k of CONTEXT_KEYS) if (options[k] !== undefined) out[k] = options[k];
  return out;
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

/** A plain agent's kind and options; undefined for any other agent (kept as it is). */
function plainAgent(agent: unknown): { https: boolean; options: AgentOptions } | undefined {
  const https = agent instanceof HttpsAgent && agent.constructor === HttpsAgent;
  const http = !https && agent instanceof HttpAgent && agent.constructor === HttpAgent;
  if (!https && !http) return undefined;
  return { https, options: (agent as HttpAgent & { options?: AgentOptions }).options ?? {} };
}

export function createKeptAliveAgents(idleMs = IDLE_CONNECTION_MS): KeptAliveAgents {
  // One client has one TLS identity at a time: a new one (a renewed certificate) replaces the pool,
  // whose idle connections then close on their own and whose requests in flight finish.
  let current: { key: string; agent: HttpAgent } | undefined;
  let context: { key: string; secureContext: SecureContext | undefined } | undefined;
  /**
   * The identity's one TLS context, made once. Undefined when Node cannot make it (a malformed
   * certificate): each connection then tries on its own and fails with Node's own error, as before.
   */
  const secureContextOf = (options: AgentOptions): SecureContext | undefined => {
    const wanted = contextOptions(options);
    const key = keyOf('tls', wanted);
    if (context?.key !== key) {
      let secureContext: SecureContext | undefined;
      try {
        secureContext = createSecureContext(wanted as SecureContextOptions);
      } catch {
        secureContext = undefined;
      }
      context = { key, secureContext };
    }
    return context.secureContext;
  };
  const withContext = (options: AgentOptions): AgentOptions => {
    const secureContext = secureContextOf(options);
    return secureContext ? { ...options, secureContext } : options;
  };
  return {
    reuse(agent) {
      const plain = plainAgent(agent);
      if (!plain) return agent;
      const key = keyOf(plain.https ? 'https' : 'http', plain.options);
      if (current?.key !== key) {
        // The agent's timeout closes a connection once idle that long (one in use only gets an
        // event nobody acts on: each request has its own deadline).
        const kept = { ...plain.options, keepAlive: true, timeout: idleMs };
        current = { key, agent: plain.https ? new HttpsAgent(withContext(kept)) : new HttpAgent(kept) };
      }
      return current.agent;
    },
    ownConnection(agent) {
      const plain = plainAgent(agent);
      if (!plain?.https) return agent;
      return new HttpsAgent(withContext(plain.options));
    },
  };
}
