// Registers the default interceptors: Accept-Language, CSRF header, error toasts and 401 → login.
import { ElMessage } from 'element-plus'
import type { Router } from 'vue-router'
import { currentLocale, i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'
import { readCookie } from '@/utils/format'
import { errorMessage } from './errors'
import { http } from './http'

const CSRF_COOKIE = 'anguan_csrf'
const CSRF_HEADER = 'X-CSRF-Token'
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

export function setupHttp(router: Router): void {
  http.onRequest((ctx) => {
    ctx.headers.set('Accept-Language', currentLocale())
    if (UNSAFE.has(ctx.method)) {
      const token = readCookie(CSRF_COOKIE)
      if (token) ctx.headers.set(CSRF_HEADER, token)
    }
  })

  http.onError((error, ctx) => {
    if (error.status === 401 && !ctx.options.skipAuthRedirect) {
      const auth = useAuthStore()
      const wasLoggedIn = auth.isLoggedIn
      auth.clear()
      const current = router.currentRoute.value
      if (current.name !== 'login') {
        if (wasLoggedIn) ElMessage.warning(i18n.global.t('errors.session_expired'))
        void router.push({ name: 'login', query: { redirect: current.fullPath } })
      }
      return
    }
    if (!ctx.options.silent) {
      ElMessage.error({ message: errorMessage(error), grouping: true })
    }
  })
}
