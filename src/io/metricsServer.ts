/**
 * The HTTP side of `serve`: GET /metrics (Prometheus text, or OpenMetrics when the Accept header asks for it),
 * GET /healthz, and the pages it is given (the live report page); anything else is 404, a method other than GET or HEAD 405. The only module that imports node:http.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPES, formatForAccept, type ExpositionFormat } from '../render/exposition.js';

export interface MetricsServer {
  /** "127.0.0.1:9464" as bound (the port chosen when 0 was asked for). */
  readonly address: string;
  close(): Promise<void>;
}

/** A page besides the metrics: its content type and body, made for each request. */
export type Page = () => { readonly contentType: string; readonly body: string };

/**
 * `scrape` renders the metrics; `pages` answer other paths (the live report page and its data). If one throws, the
 * request gets a 500 and `failed` hears why (the server goes on).
 */
export async function startMetricsServer(
  host: string,
  port: number,
  scrape: (format: ExpositionFormat) => string,
  failed: (path: string, error: unknown) => void,
  pages: ReadonlyMap<string, Page> = new Map(),
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
        failed(path, error);
        response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('the metrics could not be rendered: see the exporter\'s stderr\n');
        return;
      }
      response.writeHead(200, { 'Content-Type': CONTENT_TYPES[format], 'Content-Length': Buffer.byteLength(body) });
      response.end(request.method === 'HEAD' ? undefined : body);
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
