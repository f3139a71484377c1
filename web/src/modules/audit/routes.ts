import { Document, UserFilled } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

export const auditRoutes: RouteRecordRaw[] = [
  {
    path: 'audit',
    name: 'audit',
    component: () => import('./views/AuditLogView.vue'),
    meta: {
      title: 'audit.menu',
      icon: Document,
      permission: 'audit.read',
      group: 'menu.system',
      groupIcon: UserFilled,
    },
  },
]
