import { AlarmClock, DataAnalysis, DataLine, Grid, List, Monitor } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

const group = { group: 'monitoring.menu.group', groupIcon: Monitor }

export const monitoringRoutes: RouteRecordRaw[] = [
  {
    path: 'monitoring/board',
    name: 'monitoring-board',
    component: () => import('./views/BoardView.vue'),
    meta: { title: 'monitoring.menu.board', icon: Grid, permission: 'monitoring.read', ...group },
  },
  {
    path: 'monitoring/alarms',
    name: 'monitoring-alarms',
    component: () => import('./views/AlarmConsoleView.vue'),
    meta: { title: 'monitoring.menu.alarms', icon: AlarmClock, permission: 'monitoring.read', ...group },
  },
  {
    path: 'monitoring/trend',
    name: 'monitoring-trend',
    component: () => import('./views/TrendView.vue'),
    meta: { title: 'monitoring.menu.trend', icon: DataLine, permission: 'monitoring.read', fullHeight: true, ...group },
  },
  {
    path: 'monitoring/kpi',
    name: 'monitoring-kpi',
    component: () => import('./views/KpiView.vue'),
    meta: { title: 'monitoring.menu.kpi', icon: DataAnalysis, permission: 'monitoring.read', ...group },
  },
  {
    path: 'monitoring/points',
    name: 'monitoring-points',
    component: () => import('./views/PointsView.vue'),
    meta: { title: 'monitoring.menu.points', icon: List, permission: 'monitoring.read', ...group },
  },
]
