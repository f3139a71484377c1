// Cached role and permission catalogues with locale-aware display names.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Permission, Role } from '@/api/types'
import { rolesApi } from '../api'

const roles = ref<Role[]>([])
const permissions = ref<Permission[]>([])
let rolesLoading: Promise<void> | null = null
let permsLoading: Promise<void> | null = null

export function useRoleNames() {
  const { locale } = useI18n()
  const isZh = computed(() => locale.value === 'zh-CN')

  const roleByCode = computed(() => new Map(roles.value.map((r) => [r.code, r])))
  const permByCode = computed(() => new Map(permissions.value.map((p) => [p.code, p])))

  function roleName(code: string): string {
    const role = roleByCode.value.get(code)
    if (!role) return code
    return isZh.value ? role.name_zh : role.name_en
  }

  function permissionName(code: string): string {
    const perm = permByCode.value.get(code)
    if (!perm) return code
    return isZh.value ? perm.name_zh : perm.name_en
  }

  /** Loads roles once (force reloads). Failures are shown by the HTTP client. */
  function load(force = false): Promise<void> {
    if (force || !rolesLoading) {
      rolesLoading = rolesApi
        .list()
        .then((list) => {
          roles.value = list
        })
        .catch(() => {
          rolesLoading = null
        })
    }
    return rolesLoading
  }

  function loadPermissions(force = false): Promise<void> {
    if (force || !permsLoading) {
      permsLoading = rolesApi
        .permissions()
        .then((list) => {
          permissions.value = list
        })
        .catch(() => {
          permsLoading = null
        })
    }
    return permsLoading
  }

  return { roles, permissions, roleByCode, roleName, permissionName, load, loadPermissions }
}
