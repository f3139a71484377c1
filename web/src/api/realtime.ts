// WebSocket client for /api/v1/ws (cookie auth). Subscribes to topics, resubscribes after
// reconnecting with exponential backoff, pings to keep idle connections open.
// Close code 4401 (not authenticated / session revoked) stops reconnecting.
// Use it through composables/useRealtime.ts.

export interface RealtimeEvent<T = unknown> {
  op: 'event'
  topic: string
  name: string
  data: T
  ts?: string
}

export type RealtimeHandler = (event: RealtimeEvent) => void
/** Called each time the server confirms a topic subscription (first connect and every reconnect). */
export type SubscribedHandler = () => void

const MIN_DELAY_MS = 1000
const MAX_DELAY_MS = 30000
const PING_MS = 25000
const CLOSE_UNAUTHENTICATED = 4401

function isEvent(value: unknown): value is RealtimeEvent {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return v.op === 'event' && typeof v.topic === 'string' && typeof v.name === 'string'
}

function isSubscribed(value: unknown): value is { op: 'subscribed'; topics: string[] } {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return v.op === 'subscribed' && Array.isArray(v.topics) && v.topics.every((t) => typeof t === 'string')
}

export class RealtimeClient {
  private socket: WebSocket | null = null
  private handlers = new Map<string, Set<RealtimeHandler>>()
  private readyHandlers = new Map<string, Set<SubscribedHandler>>()
  // topics the server has confirmed on the current socket
  private confirmed = new Set<string>()
  private connectionListeners = new Set<(connected: boolean) => void>()
  private attempt = 0
  private timer: ReturnType<typeof setTimeout> | null = null
  private pinger: ReturnType<typeof setInterval> | null = null
  private closedByUs = false
  readonly url: string

  constructor(path = '/api/v1/ws') {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
    this.url = `${scheme}://${location.host}${path}`
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN
  }

  /** Notifies open/close of the socket (e.g. a "live" indicator); returns a remove function. */
  onConnectionChange(listener: (connected: boolean) => void): () => void {
    this.connectionListeners.add(listener)
    return () => this.connectionListeners.delete(listener)
  }

  private notifyConnection(connected: boolean): void {
    this.connectionListeners.forEach((fn) => fn(connected))
  }

  /**
   * Registers a handler for a topic; returns an unsubscribe function. `onSubscribed` runs whenever
   * the server confirms the subscription, so a caller can (re)load a snapshot after every reconnect
   * knowing that no later change is missed.
   */
  subscribe(topic: string, handler: RealtimeHandler, onSubscribed?: SubscribedHandler): () => void {
    if (onSubscribed) {
      let ready = this.readyHandlers.get(topic)
      if (!ready) {
        ready = new Set()
        this.readyHandlers.set(topic, ready)
      }
      ready.add(onSubscribed)
      if (this.confirmed.has(topic) && this.connected) onSubscribed()
    }
    let set = this.handlers.get(topic)
    const isNewTopic = !set
    if (!set) {
      set = new Set()
      this.handlers.set(topic, set)
    }
    set.add(handler)
    if (!this.socket) this.connect()
    else if (isNewTopic && this.connected) this.send({ op: 'subscribe', topics: [topic] })
    return () => this.unsubscribe(topic, handler, onSubscribed)
  }

  private unsubscribe(topic: string, handler: RealtimeHandler, onSubscribed?: SubscribedHandler): void {
    if (onSubscribed) {
      const ready = this.readyHandlers.get(topic)
      ready?.delete(onSubscribed)
      if (ready?.size === 0) this.readyHandlers.delete(topic)
    }
    const set = this.handlers.get(topic)
    if (!set) return
    set.delete(handler)
    if (set.size === 0) {
      this.handlers.delete(topic)
      this.confirmed.delete(topic)
      if (this.connected) this.send({ op: 'unsubscribe', topics: [topic] })
    }
    if (this.handlers.size === 0) this.close()
  }

  private connect(): void {
    this.closedByUs = false
    const socket = new WebSocket(this.url)
    this.socket = socket
    socket.onopen = () => {
      this.attempt = 0
      const topics = [...this.handlers.keys()]
      if (topics.length) this.send({ op: 'subscribe', topics })
      this.pinger = setInterval(() => this.send({ op: 'ping' }), PING_MS)
      this.notifyConnection(true)
    }
    socket.onmessage = (message: MessageEvent) => {
      let data: unknown
      try {
        data = JSON.parse(String(message.data))
      } catch {
        return
      }
      if (isSubscribed(data)) {
        for (const topic of data.topics) {
          this.confirmed.add(topic)
          this.readyHandlers.get(topic)?.forEach((fn) => fn())
        }
        return
      }
      if (!isEvent(data)) return
      this.handlers.get(data.topic)?.forEach((fn) => fn(data))
    }
    socket.onclose = (event: CloseEvent) => {
      this.stopPing()
      if (this.socket === socket) this.confirmed.clear()
      this.notifyConnection(false)
      if (this.socket === socket) this.socket = null
      if (event.code === CLOSE_UNAUTHENTICATED) return
      if (!this.closedByUs && this.handlers.size > 0) this.scheduleReconnect()
    }
  }

  private scheduleReconnect(): void {
    if (this.timer) return
    const base = Math.min(MAX_DELAY_MS, MIN_DELAY_MS * 2 ** this.attempt)
    const delay = base / 2 + Math.random() * (base / 2)
    this.attempt += 1
    this.timer = setTimeout(() => {
      this.timer = null
      if (this.handlers.size > 0) this.connect()
    }, delay)
  }

  private stopPing(): void {
    if (this.pinger) clearInterval(this.pinger)
    this.pinger = null
  }

  private send(payload: object): void {
    if (this.connected) this.socket?.send(JSON.stringify(payload))
  }

  /** Closes the socket and cancels reconnects (handlers are kept only while subscribed). */
  close(): void {
    this.closedByUs = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.stopPing()
    this.confirmed.clear()
    this.socket?.close()
    this.socket = null
  }
}

export const realtime = new RealtimeClient()
