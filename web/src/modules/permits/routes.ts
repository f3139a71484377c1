// Special-work permits (特殊作业票) routes: the ledger (台账), the open work alarms, and one permit's
// page (phone first: applicant, guardian, gas analyst and approver do their steps there).
import { Bell, Operation, Tickets } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

const group = { group: 'permits.menu.group', groupIcon: Operation, permission: 'permits.read' }

export const permitsRoutes: RouteRecordRaw[] = [
  {
    path: 'permits',
    name: 'permits-ledger',
    component: () => import('./views/LedgerView.vue'),
    meta: { title: 'permits.menu.ledger', icon: Tickets, ...group },
  },
  {
    path: 'permits/alarms',
    name: 'permits-alarms',
    component: () => import('./views/AlarmsView.vue'),
    meta: { title: 'permits.menu.alarms', icon: Bell, ...group },
  },
  {
    path: 'permits/:id(\\d+)',
    name: 'permits-detail',
    component: () => import('./views/PermitDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'permits.menu.detail', hideInMenu: true, activeMenu: '/permits', ...group },
  },
]
