// Navigation guards: not logged in → /login; meta.permission blocks routes (403 page).
import type { Router } from 'vue-router'
import { i18n } from '@/i18n'
import { useAuthStore } from '@/stores/auth'

function safeRedirect(value: unknown): string {
  // only same-app absolute paths, never another origin
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/'
}

export function updateTitle(titleKey: string | undefined): void {
  const { t } = i18n.global
  const product = t('app.title')
  document.title = titleKey ? `${t(titleKey)} - ${product}` : product
}

export function installGuards(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore()
    if (!auth.loaded) await auth.fetchMe()

    if (to.meta.public) {
      if (to.name === 'login' && auth.isLoggedIn) return safeRedirect(to.query.redirect)
      return true
    }
    if (!auth.isLoggedIn) {
      return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } }
    }
    if (to.meta.permission && !auth.can(to.meta.permission)) {
      return { name: 'forbidden' }
    }
    return true
  })

  router.afterEach((to) => updateTitle(to.meta.title))
}

export { safeRedirect }
