/**
 * The HTTP side of `serve`: GET /metrics (Prometheus text, or OpenMetrics when the Accept header asks for it),
 * GET /healthz, and the pages it is given (the live report page); anything else is 404, a method other than GET or
 * HEAD 405. Over TLS, and behind basic authentication (401 without it), when given them (`--web-config`). The only
 * module that imports node:http and node:https.
 *
 * The work a client can cause is bounded, whatever it sends and however slowly it reads:
 * - a connection's requests are answered one at a time, each once the answer before it has been handed to the
 *   kernel and the socket has drained: nothing is rendered for a client that does not read (pipelined requests
 *   wait, at most MAX_WAITING of them, past which the connection is closed);
 * - a body is rendered at most once per SHARED_FOR_MS (or twice a rendering's time) and shared by every scrape of
 *   that time (unless it showed new series at zero: the next scrape shows their counts);
 * - at most MAX_IN_FLIGHT answers are being written at once: past that, the one whose client has stopped taking it
 *   is closed to make room, and if none has, the request gets 503, as node_exporter's --web.max-requests does;
 * - connections and answers are bounded by src/io/httpConnections.ts (a cap under the open-file limit, a deadline
 *   for an answer);
 * - headers must come within HEADERS_TIMEOUT_MS, a whole request within REQUEST_TIMEOUT_MS, and a connection idle
 *   after an answer is closed after KEEP_ALIVE_MS.
 */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Connections, drained, finished } from './httpConnections.js';
import { CONTENT_TYPES, formatForAccept, type ExpositionFormat } from '../render/exposition.js';

export interface MetricsServer {
  /** "127.0.0.1:9464" as bound (the port chosen when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

/** A page besides the metrics: its content type and body, made for each request. */
export type Page = () => { readonly contentType: string; readonly body: string };

/** TLS and basic authentication (src/io/webConfig.ts), when asked for. */
export interface Access {
  readonly tls: { readonly cert: Buffer; readonly key: Buffer } | null;
  /** Whether a request's Authorization header lets it in; null: every request is let in. */
  readonly allows: ((authorization: string | undefined) => Promise<boolean>) | null;
}

export const OPEN: Access = { tls: null, allows: null };

/** A rendering of the metrics; `final` false when it shows series at zero that the next one shows with their counts. */
export interface Scrape {
  readonly body: string;
  readonly final: boolean;
}

export const SHARED_FOR_MS = 1000;
export const MAX_IN_FLIGHT = 40;
export const MAX_WAITING = 100;
const HEADERS_TIMEOUT_MS = 10_000;
const REQUEST_TIMEOUT_MS = 15_000;
/** Prometheus keeps its scrape connection open between scrapes; one closed after this is opened again. */
const KEEP_ALIVE_MS = 30_000;

/**
 * `scrape` renders the metrics; `pages` answer other paths (the live report page and its data). If one throws, the
 * request gets a 500 and `failed` hears why (the server goes on).
 */
export async function startMetricsServer(
  host: string,
  port: number,
  scrape: (format: ExpositionFormat) => Scrape,
  failed: (path: string, error: unknown) => void,
  pages: ReadonlyMap<string, Page> = new Map(),
  access: Access = OPEN,
): Promise<MetricsServer> {
  const shared = sharedRendering(scrape);
  let inFlight = 0;
  const answer = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
    } else if (path === '/metrics') {
      const format = formatForAccept(request.headers.accept);
      let body: Buffer;
      try {
        body = shared(format);
      } catch (error) {
        failed(path, error);
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('the metrics could not be rendered: see the exporter\'s stderr\n');
        return;
      }
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': body.length });
      await writeBody(response, request.method === 'HEAD' ? EMPTY : body);
    } else if (path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok\n');
    } else if (path !== undefined && pages.has(path)) {
      let page: ReturnType<Page>;
      try {
        page = (pages.get(path) as Page)();
      } catch (error) {
        failed(path, error);
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${path} could not be made: see the exporter's stderr\n`);
        return;
      }
      response.writeHead(200, { 'Content-Type': page.contentType, 'Content-Length': Buffer.byteLength(page.body), 'Cache-Control': 'no-store' });
      response.end(request.method === 'HEAD' ? undefined : page.body);
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`not found: try ${['/metrics', '/healthz', ...pages.keys()].join(', ')}\n`);
    }
  };

  const connections = new Connections();
  const limits = { headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, keepAliveTimeout: KEEP_ALIVE_MS, connectionsCheckingInterval: 1000 };
  const handle = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const connection = connections.of(request.socket);
    if (connection.waiting >= MAX_WAITING) {
      request.socket.destroy(); // a client that sends and never reads
      return;
    }
    connection.waiting++;
    // After the answer before it is handed to the kernel and the socket has drained, and only then, this one is made.
    connection.last = connection.last
      .then(() => drained(request.socket))
      .then(async () => {
        connection.waiting--;
        if (request.socket.destroyed) return;
        // Past the cap, room is made by closing an answer its client has stopped taking; else 503, not counted.
        if (inFlight >= MAX_IN_FLIGHT && !connections.closeStalled()) {
          response.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '1' }).end(`${MAX_IN_FLIGHT} answers in flight: try again\n`);
          return finished(response);
        }
        inFlight++;
        try {
          if (access.allows !== null && !(await access.allows(request.headers.authorization))) {
            response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="claude-mon"', 'Content-Type': 'text/plain; charset=utf-8' }).end('unauthorized\n');
            return await finished(response);
          }
          const done = connections.answering(request.socket);
          try {
            await answer(request, response);
            await finished(response);
          } finally {
            done();
          }
        } finally {
          inFlight--;
        }
      })
      .catch((error: unknown) => {
        failed(request.url ?? '/', error);
        request.socket.destroy();
      });
  };
  const server = access.tls === null ? http.createServer(limits, handle) : https.createServer({ ...limits, handshakeTimeout: HEADERS_TIMEOUT_MS, cert: access.tls.cert, key: access.tls.key }, handle);
  // Over TLS, a connection is counted once its handshake is done (its socket is then the one requests come on);
  // one that never finishes it is closed after HEADERS_TIMEOUT_MS.
  server.on(access.tls === null ? 'connection' : 'secureConnection', (socket: Socket) => connections.add(socket));
  // And as a backstop, for those still in their handshake: at the cap, new ones are refused.
  if (access.tls !== null) server.maxConnections = connections.cap;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    connections.stop();
    throw error;
  }
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        connections.stop();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

const EMPTY = Buffer.alloc(0);
/** Bodies are written in slices of this size, each once the one before is taken: what the client has taken shows. */
const SLICE_BYTES = 1 << 16;

/** Writes `body` and ends the response, a slice at a time, waiting for the socket to drain between them. */
async function writeBody(response: http.ServerResponse, body: Buffer): Promise<void> {
  for (let offset = 0; offset < body.length && !response.destroyed; offset += SLICE_BYTES) {
    if (!response.write(body.subarray(offset, offset + SLICE_BYTES))) await drained(response);
  }
  response.end();
}

/**
 * Each format's body, rendered and encoded at most once per SHARED_FOR_MS — or per twice the time a rendering took,
 * when that is longer, so that rendering never takes more than half the thread — while the renderings are final.
 * On the monotonic clock, from the end of the rendering.
 */
function sharedRendering(scrape: (format: ExpositionFormat) => Scrape): (format: ExpositionFormat) => Buffer {
  const kept = new Map<ExpositionFormat, { body: Buffer; untilMs: number }>();
  return (format) => {
    const last = kept.get(format);
    if (last !== undefined && performance.now() < last.untilMs) return last.body;
    const started = performance.now();
    const scraped = scrape(format);
    const body = Buffer.from(scraped.body, 'utf8');
    const ended = performance.now();
    if (scraped.final) kept.set(format, { body, untilMs: ended + Math.max(SHARED_FOR_MS, 2 * (ended - started)) });
    else kept.delete(format);
    return body;
  };
}
