import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

/** Client-side routes of the console: a deep link or a reload there gets the app's index.html. */
const CONSOLE_ROUTE = /^\/(?:nomaflow(?:\/.*)?)?$/;
/** Build output names carry a content hash (`main-PKKCIM6J.js`): cache them for good. */
const HASHED_ASSET = /-[A-Z0-9]{8}\.(?:js|css)$/;

/**
 * Serves the built Angular console from the same process and port as the API. Returns false when
 * the console is not built (the API still works; `npm start` builds it).
 */
export function serveConsole(app: NestExpressApplication, webDir: string): boolean {
  const indexFile = join(webDir, 'index.html');
  if (!existsSync(indexFile)) return false;
  const index = readFileSync(indexFile);
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method === 'GET' || req.method === 'HEAD') && CONSOLE_ROUTE.test(req.path)) {
      res.setHeader('cache-control', 'no-cache');
      res.type('html').send(index);
      return;
    }
    next();
  });
  app.useStaticAssets(webDir, {
    index: false,
    setHeaders: (res, path) => {
      res.setHeader(
        'cache-control',
        HASHED_ASSET.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
  return true;
}
