// Auth store: the current user, permissions and `can(code)`.
// Permission codes only hide UI; the backend enforces them.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError } from '@/api/http'
import { realtime } from '@/api/realtime'
import type { LoginRequest, Me } from '@/api/types'
import { adoptUserLocale } from '@/i18n'
import { authApi } from '@/modules/identity/api'

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const loaded = ref(false)

  const isLoggedIn = computed(() => me.value !== null)
  const permissions = computed(() => new Set(me.value?.permissions ?? []))
  const roles = computed(() => me.value?.roles ?? [])

  function can(code: string | null | undefined): boolean {
    if (!code) return true
    return permissions.value.has(code)
  }

  function setMe(value: Me): void {
    me.value = value
    loaded.value = true
    adoptUserLocale(value.locale)
  }

  /** Loads the session user; a 401 simply means "not logged in". */
  async function fetchMe(): Promise<void> {
    try {
      setMe(await authApi.me())
    } catch (error) {
      if (!(error instanceof ApiError)) throw error
      me.value = null
    } finally {
      loaded.value = true
    }
  }

  async function login(body: LoginRequest): Promise<Me> {
    const value = await authApi.login(body)
    setMe(value)
    return value
  }

  async function logout(): Promise<void> {
    try {
      await authApi.logout()
    } finally {
      clear()
    }
  }

  function clear(): void {
    me.value = null
    realtime.close()
  }

  function passwordChanged(): void {
    if (me.value) me.value = { ...me.value, must_change_password: false }
  }

  return { me, loaded, isLoggedIn, permissions, roles, can, fetchMe, login, logout, clear, passwordChanged }
})
