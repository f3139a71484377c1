// Safety master data (安全基础信息) routes: one generic page per register (same component, the
// register name as a prop) and the reminder centre, bypasses, eligibility and compliance pages.
// Menu sections follow the register groups.
import {
  Bell,
  Calendar,
  Checked,
  FirstAidKit,
  Goblet,
  Key,
  Lock,
  Medal,
  OfficeBuilding,
  Operation,
  PieChart,
  Reading,
  SetUp,
  Stamp,
  SwitchButton,
  Tickets,
  Tools,
  User,
  Van,
} from '@element-plus/icons-vue'
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

const group = { group: 'basics.menu.group', groupIcon: FirstAidKit, permission: 'basics.read' }
const RegisterView = () => import('./views/RegisterView.vue')

/** Register name → i18n key segment (keys avoid hyphens) and menu icon, in menu order by section. */
const REGISTERS: { name: string; key: string; icon: Component; section: string }[] = [
  { name: 'licences', key: 'licences', icon: Stamp, section: 'licences' },
  { name: 'processes', key: 'processes', icon: SetUp, section: 'process' },
  { name: 'startstops', key: 'startstops', icon: SwitchButton, section: 'process' },
  { name: 'chemicals', key: 'chemicals', icon: Goblet, section: 'process' },
  { name: 'equipment', key: 'equipment', icon: Tools, section: 'equipment' },
  { name: 'equipment-checks', key: 'equipmentChecks', icon: Checked, section: 'equipment' },
  { name: 'interlocks', key: 'interlocks', icon: Lock, section: 'equipment' },
  { name: 'people', key: 'people', icon: User, section: 'people' },
  { name: 'certificates', key: 'certificates', icon: Medal, section: 'people' },
  { name: 'trainings', key: 'trainings', icon: Reading, section: 'people' },
  { name: 'duties', key: 'duties', icon: Calendar, section: 'people' },
  { name: 'contractors', key: 'contractors', icon: OfficeBuilding, section: 'third_parties' },
  { name: 'suppliers', key: 'suppliers', icon: Van, section: 'third_parties' },
  { name: 'visitors', key: 'visitors', icon: Tickets, section: 'third_parties' },
]

function registerRoute(r: (typeof REGISTERS)[number]): RouteRecordRaw {
  return {
    path: `basics/${r.name}`,
    name: `basics-${r.name}`,
    component: RegisterView,
    props: { register: r.name },
    meta: { title: `basics.menu.${r.key}`, icon: r.icon, section: `basics.menu.sections.${r.section}`, ...group },
  }
}

function section(name: string): RouteRecordRaw[] {
  return REGISTERS.filter((r) => r.section === name).map(registerRoute)
}

const overview = { section: 'basics.menu.sections.overview' }

export const basicsRoutes: RouteRecordRaw[] = [
  {
    path: 'basics/reminders',
    name: 'basics-reminders',
    component: () => import('./views/RemindersView.vue'),
    meta: { title: 'basics.menu.reminders', icon: Bell, ...overview, ...group },
  },
  {
    path: 'basics/compliance',
    name: 'basics-compliance',
    component: () => import('./views/ComplianceView.vue'),
    meta: { title: 'basics.menu.compliance', icon: PieChart, ...overview, ...group },
  },
  ...section('licences'),
  ...section('process'),
  ...section('equipment'),
  {
    path: 'basics/bypasses',
    name: 'basics-bypasses',
    component: () => import('./views/BypassesView.vue'),
    meta: { title: 'basics.menu.bypasses', icon: Key, section: 'basics.menu.sections.equipment', ...group },
  },
  ...section('people'),
  {
    path: 'basics/eligibility',
    name: 'basics-eligibility',
    component: () => import('./views/EligibilityView.vue'),
    meta: { title: 'basics.menu.eligibility', icon: Operation, section: 'basics.menu.sections.people', ...group },
  },
  ...section('third_parties'),
  {
    // any other register the metadata names (the menu lists the known ones above)
    path: 'basics/:register',
    name: 'basics-register',
    component: RegisterView,
    props: true,
    meta: { title: 'basics.menu.group', hideInMenu: true, ...group },
  },
]
