// Special-work permits (特殊作业票) routes: the ledger (台账), its statistics with drill-down, today's
// map, the open work alarms, the configuration (signers, calendar, delegations), and one permit's
// page (phone first: applicant, guardian, gas analyst and approver do their steps there).
import { Bell, DataAnalysis, MapLocation, Operation, Setting, Tickets } from '@element-plus/icons-vue'
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
    path: 'permits/map',
    name: 'permits-map',
    component: () => import('./views/DayMapView.vue'),
    meta: { title: 'permits.menu.map', icon: MapLocation, fullHeight: true, ...group },
  },
  {
    path: 'permits/stats',
    name: 'permits-stats',
    component: () => import('./views/StatsView.vue'),
    meta: { title: 'permits.menu.stats', icon: DataAnalysis, ...group },
  },
  {
    path: 'permits/alarms',
    name: 'permits-alarms',
    component: () => import('./views/AlarmsView.vue'),
    meta: { title: 'permits.menu.alarms', icon: Bell, ...group },
  },
  {
    path: 'permits/config',
    name: 'permits-config',
    component: () => import('./views/ConfigView.vue'),
    meta: { title: 'permits.menu.config', icon: Setting, ...group },
  },
  {
    path: 'permits/:id(\\d+)',
    name: 'permits-detail',
    component: () => import('./views/PermitDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'permits.menu.detail', hideInMenu: true, activeMenu: '/permits', ...group },
  },
]
