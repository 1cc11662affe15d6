/**
 * The error middleware's wire format, byte for byte (it writes the media type once and sends a Buffer, issue #15: CPU
 * per 4xx answer): the same `Content-Type`, `Content-Length`, extra headers and body express wrote for a string body.
 */
import express from 'express';
import request from 'supertest';
import { createErrorMiddleware } from '../../src/http/error-middleware';
import { createLogger } from '../../src/logger';
import { ODataError } from '../../src/odata/errors';

function appThrowing(error: unknown) {
  const app = express();
  app.all('/{*path}', () => {
    throw error;
  });
  app.use(createErrorMiddleware(createLogger('error', () => undefined), 1000));
  return app;
}

describe('error middleware', () => {
  test('an OData error: its status, headers, the JSON media type with charset and the exact body', async () => {
    const error = new ODataError('UpstreamNotReady', { url: 'http://x', problem: 'has not been checked yet', retryAfter: 5 }, { headers: { 'Retry-After': '5' } });
    const response = await request(appThrowing(error)).get('/odata/Commits');
    const body = JSON.stringify(error.toJSON());
    expect(response.status).toBe(error.status);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(response.headers['retry-after']).toBe('5');
    expect(response.text).toBe(body);
  });

  test('a non-ASCII message is counted in bytes; HEAD gets the headers and no body', async () => {
    const error = new ODataError('BadRequest', { message: 'Ünknown ‘thing’ 😀' });
    const body = JSON.stringify(error.toJSON());
    const got = await request(appThrowing(error)).get('/');
    expect(got.headers['content-length']).toBe(String(Buffer.byteLength(body)));
    expect(got.text).toBe(body);
    const head = await request(appThrowing(error)).head('/');
    expect(head.status).toBe(400);
    expect(head.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(head.text ?? '').toBe('');
  });
});
