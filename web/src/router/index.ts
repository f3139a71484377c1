// Router: history mode (the backend falls back to index.html). Module routes are children of the layout.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import DefaultLayout from '@/layouts/DefaultLayout.vue'
import { auditRoutes } from '@/modules/audit/routes'
import { basicsRoutes } from '@/modules/basics/routes'
import { hazardsRoutes } from '@/modules/hazards/routes'
import { identityPublicRoutes, identityRoutes } from '@/modules/identity/routes'
import { monitoringRoutes } from '@/modules/monitoring/routes'
import { permitsRoutes } from '@/modules/permits/routes'
import { plantRoutes } from '@/modules/plant/routes'
import { videoRoutes } from '@/modules/video/routes'
import { installGuards } from './guards'

/** Layout children in menu order. */
export const layoutChildren: RouteRecordRaw[] = [
  ...plantRoutes,
  ...monitoringRoutes,
  ...hazardsRoutes,
  ...permitsRoutes,
  ...videoRoutes,
  ...basicsRoutes,
  ...identityRoutes,
  ...auditRoutes,
  {
    path: '403',
    name: 'forbidden',
    component: () => import('@/views/ForbiddenView.vue'),
    meta: { title: 'page.forbiddenTitle', hideInMenu: true },
  },
]

const routes: RouteRecordRaw[] = [
  ...identityPublicRoutes,
  { path: '/', component: DefaultLayout, children: layoutChildren },
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('@/views/NotFoundView.vue'),
    meta: { title: 'page.notFoundTitle', public: true },
  },
]

export const router = createRouter({
  history: createWebHistory(import.meta.env.BASE_URL),
  routes,
})

installGuards(router)
