// The single HTTP client: a fetch wrapper with request and error interceptors.
// Interceptors (language, CSRF, error messages, 401 handling) are registered in api/setup.ts.

export const API_BASE = '/api/v1'

export type QueryValue = string | number | boolean | null | undefined
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  query?: Query
  /** JSON-encoded, except FormData which is sent as multipart/form-data */
  body?: unknown
  headers?: Record<string, string>
  /** Do not show a toast for errors; the caller renders them. */
  silent?: boolean
  /** Do not redirect to the login page on 401. */
  skipAuthRedirect?: boolean
  signal?: AbortSignal
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

export interface RequestContext {
  method: HttpMethod
  url: string
  headers: Headers
  options: RequestOptions
}

/** Error raised for every failed request; mirrors the backend error body. */
export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly params: Record<string, unknown>
  readonly requestId: string | null

  constructor(status: number, code: string, message: string, params: Record<string, unknown> = {}, requestId: string | null = null) {
    super(message)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.params = params
    this.requestId = requestId
  }
}

export type RequestInterceptor = (ctx: RequestContext) => void
export type ErrorInterceptor = (error: ApiError, ctx: RequestContext) => void

const requestInterceptors: RequestInterceptor[] = []
const errorInterceptors: ErrorInterceptor[] = []

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function buildUrl(path: string, query?: Query): string {
  const url = path.startsWith('/api/') ? path : `${API_BASE}${path}`
  if (!query) return url
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.append(key, String(value))
  }
  const qs = search.toString()
  return qs ? `${url}?${qs}` : url
}

async function toApiError(response: Response): Promise<ApiError> {
  let body: unknown = null
  try {
    body = await response.json()
  } catch {
    // not JSON (e.g. proxy error page)
  }
  if (isRecord(body) && typeof body.code === 'string') {
    return new ApiError(
      response.status,
      body.code,
      typeof body.message === 'string' ? body.message : '',
      isRecord(body.params) ? body.params : {},
      typeof body.request_id === 'string' ? body.request_id : null,
    )
  }
  return new ApiError(response.status, `http.${response.status}`, response.statusText)
}

async function request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
  const ctx: RequestContext = {
    method,
    url: buildUrl(path, options.query),
    headers: new Headers({ Accept: 'application/json', ...options.headers }),
    options,
  }
  for (const fn of requestInterceptors) fn(ctx)

  const init: RequestInit = { method, headers: ctx.headers, credentials: 'include', signal: options.signal }
  if (options.body instanceof FormData) {
    // multipart upload: the browser sets the Content-Type with its boundary
    init.body = options.body
  } else if (options.body !== undefined) {
    ctx.headers.set('Content-Type', 'application/json')
    init.body = JSON.stringify(options.body)
  }

  let response: Response
  try {
    response = await fetch(ctx.url, init)
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause
    const error = new ApiError(0, 'network', cause instanceof Error ? cause.message : 'network error')
    for (const fn of errorInterceptors) fn(error, ctx)
    throw error
  }

  if (!response.ok) {
    const error = await toApiError(response)
    for (const fn of errorInterceptors) fn(error, ctx)
    throw error
  }
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

export const http = {
  onRequest(fn: RequestInterceptor): void {
    requestInterceptors.push(fn)
  },
  onError(fn: ErrorInterceptor): void {
    errorInterceptors.push(fn)
  },
  request,
  get<T>(path: string, query?: Query, options: RequestOptions = {}): Promise<T> {
    return request<T>('GET', path, { ...options, query })
  },
  post<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return request<T>('POST', path, { ...options, body })
  },
  put<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return request<T>('PUT', path, { ...options, body })
  },
  patch<T = void>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return request<T>('PATCH', path, { ...options, body })
  },
  delete<T = void>(path: string, options: RequestOptions = {}): Promise<T> {
    return request<T>('DELETE', path, options)
  },
}
