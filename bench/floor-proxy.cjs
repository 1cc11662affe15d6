/**
 * The floor of "latency added per upstream page" (issue #15), for `npm run bench`'s latency part: the least any
 * Node.js gateway that reads what it passes does. Run as `node bench/floor-proxy.cjs <port> <upstream port>`: every
 * GET is sent on to the sandbox (same path and query, the caller's Authorization, a keep-alive agent), its answer is
 * JSON.parse-d and written again with JSON.stringify. No routing, parsing of OData, planning, logging or metrics.
 * Plain JavaScript run by node itself (no tsx), in a process of its own like the gateway, so both pay the same hop
 * and the same scheduling of three processes on the machine's cores.
 */
'use strict';
const http = require('node:http');

const port = Number(process.argv[2]);
const upstreamPort = Number(process.argv[3]);
const agent = new http.Agent({ keepAlive: true });

const server = http.createServer((req, res) => {
  const headers = { accept: 'application/json' };
  if (req.headers.authorization !== undefined) headers.authorization = req.headers.authorization;
  http
    .get({ host: '127.0.0.1', port: upstreamPort, path: req.url, agent, headers }, (upstream) => {
      const chunks = [];
      upstream.on('data', (chunk) => chunks.push(chunk));
      upstream.on('end', () => {
        const body = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8'))), 'utf8');
        res.writeHead(upstream.statusCode ?? 502, { 'content-type': 'application/json', 'content-length': body.length });
        res.end(body);
      });
    })
    .on('error', (error) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
});
server.listen(port, '127.0.0.1', () => console.log(`floor proxy listening on ${port}`));
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
