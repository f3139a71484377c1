import { HomeFilled } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

export const plantRoutes: RouteRecordRaw[] = [
  {
    path: '',
    name: 'home',
    component: () => import('./views/HomeView.vue'),
    meta: { title: 'menu.home', icon: HomeFilled, fullHeight: true },
  },
]
