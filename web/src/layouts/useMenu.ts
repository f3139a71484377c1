// Builds the side menu from the layout's child routes, filtered by the user's permissions.
import type { Component } from 'vue'
import { computed } from 'vue'
import { useRouter } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

export interface MenuItem {
  kind: 'item'
  path: string
  title: string
  icon?: Component
  /** i18n key of the heading inside its group */
  section?: string
}

/** Consecutive items of a group under one heading (no heading when `title` is undefined). */
export interface MenuSection {
  title?: string
  items: MenuItem[]
}

export interface MenuGroup {
  kind: 'group'
  key: string
  title: string
  icon?: Component
  children: MenuItem[]
  sections: MenuSection[]
}

export type MenuEntry = MenuItem | MenuGroup

export function useMenu() {
  const router = useRouter()
  const auth = useAuthStore()

  return computed<MenuEntry[]>(() => {
    const layout = router.options.routes.find((r) => r.path === '/' && r.children)
    const entries: MenuEntry[] = []
    const groups = new Map<string, MenuGroup>()
    for (const child of layout?.children ?? []) {
      const meta = child.meta ?? {}
      if (!meta.title || meta.hideInMenu || !child.name || !auth.can(meta.permission)) continue
      const item: MenuItem = {
        kind: 'item',
        path: router.resolve({ name: child.name }).path,
        title: meta.title,
        icon: meta.icon,
        section: meta.section,
      }
      if (!meta.group) {
        entries.push(item)
        continue
      }
      let group = groups.get(meta.group)
      if (!group) {
        group = { kind: 'group', key: meta.group, title: meta.group, icon: meta.groupIcon, children: [], sections: [] }
        groups.set(meta.group, group)
        entries.push(group)
      }
      group.children.push(item)
      const last = group.sections[group.sections.length - 1]
      if (last && last.title === item.section) last.items.push(item)
      else group.sections.push({ title: item.section, items: [item] })
    }
    return entries
  })
}
