// Major hazard sources (重大危险源) routes: the list and a unit's detail, the risk colour map,
// warnings, evaluation reports and supervision findings (?id=N opens one: reminder links), the head's
// own 包保 tasks (phone first) and the 包保 performance report.
import { DocumentChecked, Finished, List, MapLocation, Tickets, TrendCharts, WarnTriangleFilled, Warning } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

const group = { group: 'hazards.menu.group', groupIcon: WarnTriangleFilled, permission: 'hazards.read' }

export const hazardsRoutes: RouteRecordRaw[] = [
  {
    path: 'hazards',
    name: 'hazards-units',
    component: () => import('./views/UnitsView.vue'),
    meta: { title: 'hazards.menu.units', icon: List, ...group },
  },
  {
    path: 'hazards/map',
    name: 'hazards-map',
    component: () => import('./views/RiskMapView.vue'),
    meta: { title: 'hazards.menu.map', icon: MapLocation, fullHeight: true, ...group },
  },
  {
    path: 'hazards/warnings',
    name: 'hazards-warnings',
    component: () => import('./views/WarningsView.vue'),
    meta: { title: 'hazards.menu.warnings', icon: Warning, ...group },
  },
  {
    path: 'hazards/reports',
    name: 'hazards-reports',
    component: () => import('./views/ReportsView.vue'),
    meta: { title: 'hazards.records.menu.reports', icon: Tickets, ...group },
  },
  {
    path: 'hazards/findings',
    name: 'hazards-findings',
    component: () => import('./views/FindingsView.vue'),
    meta: { title: 'hazards.records.menu.findings', icon: DocumentChecked, ...group },
  },
  {
    path: 'hazards/tasks',
    name: 'hazards-tasks',
    component: () => import('./views/MyTasksView.vue'),
    meta: { title: 'hazards.menu.tasks', icon: Finished, ...group },
  },
  {
    path: 'hazards/duty-report',
    name: 'hazards-duty-report',
    component: () => import('./views/DutyReportView.vue'),
    meta: { title: 'hazards.menu.report', icon: TrendCharts, ...group },
  },
  {
    path: 'hazards/units/:id(\\d+)',
    name: 'hazards-unit',
    component: () => import('./views/UnitDetailView.vue'),
    props: (route) => ({ id: Number(route.params.id) }),
    meta: { title: 'hazards.menu.unit', hideInMenu: true, activeMenu: '/hazards', ...group },
  },
]
