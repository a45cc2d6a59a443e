import type { QueryEvent } from './backend.js';

/** An HTTP API call answered with an error status, or a connection that failed. */
export class ApiClientError extends Error {
  /** HTTP status, or 0 when the agent could not be reached. */
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'ApiClientError';
    this.status = status;
  }
}

/** `POST /v1/transactions` answer, as Corrosion's `ExecResponse`. */
export interface ExecResponse {
  readonly results: readonly ({ rows_affected: number; time: number } | { error: string })[];
  readonly time: number;
  readonly version: number | null;
}

/** An open NDJSON stream: its events, the response headers, and a way to stop reading. */
export interface EventStream {
  readonly headers: Headers;
  readonly events: AsyncIterable<QueryEvent>;
  close(): void;
}

/**
 * A small client of corro's (and Corrosion's) HTTP API, used by the `corro` CLI and tests.
 * Statements take any of the API's JSON forms. Errors: {@link ApiClientError}.
 */
export class CorroClient {
  private readonly base: string;
  constructor(
    baseUrl: string,
    private readonly token?: string,
  ) {
    this.base = baseUrl.replace(/\/$/, '');
  }

  /** Runs statements as one transaction. Throws on any error status (the body's error text). */
  async transaction(statements: readonly unknown[]): Promise<ExecResponse> {
    return (await this.json('POST', '/v1/transactions', statements)) as ExecResponse;
  }

  /** Applies schema SQL to the running agent (`POST /v1/migrations`). */
  async migrate(schemaSql: readonly string[]): Promise<ExecResponse> {
    return (await this.json('POST', '/v1/migrations', schemaSql)) as ExecResponse;
  }

  /** Runs a read-only query and streams its events. */
  async query(statement: unknown): Promise<EventStream> {
    return this.stream('POST', '/v1/queries', statement);
  }

  /** Starts or joins a subscription. `from` resumes after a change id. */
  async subscribe(
    statement: unknown,
    opts: { from?: number; skipRows?: boolean } = {},
  ): Promise<EventStream> {
    return this.stream('POST', `/v1/subscriptions${qs(opts)}`, statement);
  }

  /** Re-attaches to subscription `id`. */
  async attach(id: string, opts: { from?: number; skipRows?: boolean } = {}): Promise<EventStream> {
    return this.stream('GET', `/v1/subscriptions/${encodeURIComponent(id)}${qs(opts)}`);
  }

  /** Cluster members. */
  async members(): Promise<unknown[]> {
    return ((await this.json('GET', '/v1/members')) as { members: unknown[] }).members;
  }

  /** Health: resolves with status and body (a 503 is an answer, not an error). */
  async health(params: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
    const q = new URLSearchParams(params).toString();
    const res = await this.fetch('GET', `/v1/health${q ? `?${q}` : ''}`);
    return { status: res.status, body: await res.json() };
  }

  /** Writes a consistent snapshot to `path` on the agent's host. */
  async backup(path: string): Promise<unknown> {
    return this.json('POST', '/v1/backup', { path });
  }

  /** Prometheus text. */
  async metrics(): Promise<string> {
    const res = await this.fetch('GET', '/metrics');
    if (!res.ok) throw new ApiClientError(res.status, await res.text());
    return res.text();
  }

  private async json(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await this.fetch(method, path, body);
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new ApiClientError(res.status, `HTTP ${res.status}: ${text}`);
    }
    if (!res.ok) throw new ApiClientError(res.status, errorText(parsed) ?? `HTTP ${res.status}`);
    return parsed;
  }

  private async stream(method: string, path: string, body?: unknown): Promise<EventStream> {
    const abort = new AbortController();
    const res = await this.fetch(method, path, body, abort.signal);
    if (!res.ok || !res.body) {
      const text = await res.text();
      let msg = text;
      try {
        msg = errorText(JSON.parse(text)) ?? text;
      } catch {}
      throw new ApiClientError(res.status, msg);
    }
    const bodyStream = res.body;
    return {
      headers: res.headers,
      events: readNdjson(bodyStream, abort.signal),
      close: () => abort.abort(),
    };
  }

  private async fetch(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    try {
      return await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        ...(signal ? { signal } : {}),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new ApiClientError(
        0,
        `cannot reach ${this.base}: ${cause?.code ?? cause?.message ?? String(err)}`,
      );
    }
  }
}

async function* readNdjson(body: ReadableStream<Uint8Array>, signal: AbortSignal): AsyncIterable<QueryEvent> {
  const decoder = new TextDecoder();
  let buffered = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffered += decoder.decode(chunk, { stream: true });
      let nl = buffered.indexOf('\n');
      while (nl >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim() !== '') yield JSON.parse(line) as QueryEvent;
        nl = buffered.indexOf('\n');
      }
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
  if (buffered.trim() !== '' && !signal.aborted) yield JSON.parse(buffered) as QueryEvent;
}

function qs(opts: { from?: number; skipRows?: boolean }): string {
  const p = new URLSearchParams();
  if (opts.from !== undefined) p.set('from', String(opts.from));
  if (opts.skipRows) p.set('skip_rows', 'true');
  const s = p.toString();
  return s ? `?${s}` : '';
}

function errorText(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as { error?: unknown; results?: { error?: unknown }[] };
  if (typeof b.error === 'string') return b.error;
  const e = b.results?.find((r) => typeof r.error === 'string')?.error;
  return typeof e === 'string' ? e : undefined;
}
