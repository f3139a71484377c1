import { Lock, User, UserFilled } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

export const identityPublicRoutes: RouteRecordRaw[] = [
  {
    path: '/login',
    name: 'login',
    component: () => import('./views/LoginView.vue'),
    meta: { title: 'identity.login.title', public: true },
  },
]

export const identityRoutes: RouteRecordRaw[] = [
  {
    path: 'identity/users',
    name: 'identity-users',
    component: () => import('./views/UsersView.vue'),
    meta: {
      title: 'identity.menu.users',
      icon: User,
      permission: 'identity.user.read',
      group: 'menu.system',
      groupIcon: UserFilled,
    },
  },
  {
    path: 'identity/roles',
    name: 'identity-roles',
    component: () => import('./views/RolesView.vue'),
    meta: {
      title: 'identity.menu.roles',
      icon: Lock,
      permission: 'identity.role.read',
      group: 'menu.system',
      groupIcon: UserFilled,
    },
  },
]
