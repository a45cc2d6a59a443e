import type { IncomingMessage } from 'node:http';
import { ApiError, BadRequestError } from './errors.js';

/** The request body exceeded the server's `maxBodyBytes`. */
export class BodyTooLargeError extends ApiError {
  constructor(maxBytes: number) {
    super(413, `request body larger than ${maxBytes} bytes; send fewer statements per request`);
    this.name = 'BodyTooLargeError';
  }
}

/**
 * Reads the whole body, refusing more than `maxBytes` (the connection is then closed so the
 * client stops sending), and parses it as JSON. Throws {@link BadRequestError} with the
 * parser's message for bad JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new BodyTooLargeError(maxBytes);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) throw new BodyTooLargeError(maxBytes);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BadRequestError('empty request body; expected JSON');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new BadRequestError(`request body is not valid JSON: ${(err as Error).message}`);
  }
}
