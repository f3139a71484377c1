// Subscribes to a realtime topic for the lifetime of the calling component.
// `onSubscribed` runs each time the server confirms the subscription (after every reconnect too):
// the place to (re)load a snapshot, since every change after it will arrive as an event.
import { onBeforeUnmount, onMounted } from 'vue'
import { realtime, type RealtimeEvent } from '@/api/realtime'

export function useRealtime<T = unknown>(
  topic: string,
  handler: (event: RealtimeEvent<T>) => void,
  onSubscribed?: () => void,
): void {
  let stop: (() => void) | null = null
  onMounted(() => {
    stop = realtime.subscribe(topic, (event) => handler(event as RealtimeEvent<T>), onSubscribed)
  })
  onBeforeUnmount(() => {
    stop?.()
    stop = null
  })
}
