import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';

const CODES: Record<number, string> = {
  400: 'bad_request',
  408: 'request_timeout',
  413: 'payload_too_large',
  431: 'request_header_fields_too_large',
};

/**
 * Answers what Node's HTTP parser refuses before any framework sees the request (a header section over 16 KiB, a
 * malformed request line) with the same JSON shape as every other error of the demo, instead of Express' empty body
 * or Fastify's JSON without a `code`.
 */
export function answerClientErrorsAsJson(server: Server): void {
  server.removeAllListeners('clientError');
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const reason = STATUS_CODES[status]!;
    const body = JSON.stringify({ statusCode: status, error: reason, message: reason, code: CODES[status] });
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
