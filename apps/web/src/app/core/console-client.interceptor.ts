import type { HttpInterceptorFn } from '@angular/common/http';

/**
 * Names the console on its API calls (`X-Nomaflow-Client: console`): the server records a run
 * started here as `user:<name>`, one started by a script as `api`.
 */
export const consoleClientInterceptor: HttpInterceptorFn = (req, next) =>
  next(req.clone({ setHeaders: { 'X-Nomaflow-Client': 'console' } }));
