/**
 * A Koa app listening on a free port of 127.0.0.1, for the local fakes of the platforms (tests, demo,
 * bench): where it listens, and how to stop it at once, open connections included.
 */
import http from 'node:http';
import type Koa from 'koa';

export interface LocalHttpServer {
  /** e.g. http://127.0.0.1:43125 */
  url: string;
  stop(): Promise<void>;
}

export async function listenLocally(app: Koa): Promise<LocalHttpServer> {
  const server = http.createServer(app.callback());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
