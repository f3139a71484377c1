// Reactive "phone width" flag (< 768px), shared by all components.
import { ref } from 'vue'

const QUERY = '(max-width: 767.98px)'
const media = typeof window !== 'undefined' ? window.matchMedia(QUERY) : null
const isMobile = ref(media?.matches ?? false)
media?.addEventListener('change', (e) => {
  isMobile.value = e.matches
})

export function useIsMobile() {
  return isMobile
}
