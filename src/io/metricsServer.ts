/**
 * The HTTP side of `serve`: GET /metrics (Prometheus text, or OpenMetrics when the Accept header asks for it) and
 * GET /healthz; anything else is 404, a method other than GET or HEAD 405. The only module that imports node:http.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPES, formatForAccept, type ExpositionFormat } from '../render/exposition.js';

export interface MetricsServer {
  /** "127.0.0.1:9464" as bound (the port chosen when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

/** `scrape` renders the metrics; if it throws, the scrape gets a 500 and `failed` hears why (the server goes on). */
export async function startMetricsServer(
  host: string,
  port: number,
  scrape: (format: ExpositionFormat) => string,
  failed: (error: unknown) => void,
): Promise<MetricsServer> {
  const server = http.createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
      return;
    }
    if (path === '/metrics') {
      const format = formatForAccept(request.headers.accept);
      let body: string;
      try {
        body = scrape(format);
      } catch (error) {
        failed(error);
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('the metrics could not be rendered: see the exporter\'s stderr\n');
        return;
      }
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': Buffer.byteLength(body) });
      response.end(request.method === 'HEAD' ? undefined : body);
    } else if (path === '/healthz') {
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('ok\n');
    } else {
      response.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: try /metrics or /healthz\n');
    }
  });
  server.keepAliveTimeout = 60_000; // Prometheus keeps its scrape connection open between scrapes
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address() as AddressInfo;
  return {
    address: `${bound.family === 'IPv6' ? `[${bound.address}]` : bound.address}:${bound.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
