import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/** A running static server: its base URL and how to stop it. */
export interface StaticServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.json': 'application/json', '.bin': 'application/octet-stream', '.png': 'image/png', '.csv': 'text/csv', '.txt': 'text/plain' };

/**
 * Serves a folder over HTTP on 127.0.0.1 at a free port, for tests that load models and samples
 * through the real `fetch` code; paths outside the folder and missing files are 404s. `extra`
 * maps URL paths to bodies served as they are (a hand-made `model.json`, say).
 * @example const server = await serveFolder('public'); await loadBackboneFromUrl(`${server.url}/models/mnist-backbone/model.json`);
 */
export async function serveFolder(root: string, extra: Readonly<Record<string, string>> = {}): Promise<StaticServer> {
  const base = normalize(root);
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path in extra) {
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', connection: 'close' });
      res.end(extra[path]);
      return;
    }
    const file = normalize(join(base, path));
    if (!file.startsWith(base + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' });
      res.end(`not found: ${path}`);
      return;
    }
    // No keep-alive: a test that trains for longer than the server's idle timeout would otherwise
    // have Node's fetch reuse a socket the server already closed ("fetch failed").
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', connection: 'close' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('The test server has no TCP address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
