import type { Component } from 'vue'
import 'vue-router'

export {}

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page/menu title */
    title?: string
    /** menu icon */
    icon?: Component
    /** permission code needed to see and open the route */
    permission?: string
    /** reachable without login */
    public?: boolean
    /** keep out of the side menu */
    hideInMenu?: boolean
    /** i18n key of the menu group (sub-menu) the item belongs to */
    group?: string
    /** icon of the menu group */
    groupIcon?: Component
    /** i18n key of a heading inside the menu group (consecutive items with the same section share it) */
    section?: string
    /** path of the menu item to highlight on a page that is not in the menu (e.g. a detail page) */
    activeMenu?: string
    /** pages that fill the viewport (e.g. maps) get no outer padding scroll */
    fullHeight?: boolean
  }
}
