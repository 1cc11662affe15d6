/** The sandbox's write side: POST/PUT/DELETE routes as data, their interpreter, and the reads they need. */
export { createWriteRouter, WRITE_ROUTES } from './create-write-router';
export { writeSideReadRoutes } from './read-routes';
export type { WriteRoute, WriteContext, WriteResult } from './write-route';
export type { AccessLevel } from './access-level';
