// vue-i18n setup: zh-CN is the source language, en-US second. Module locales are merged here.
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'
import commonZh from '@/locales/zh-CN'
import commonEn from '@/locales/en-US'
import identityZh from '@/modules/identity/locales/zh-CN'
import identityEn from '@/modules/identity/locales/en-US'
import plantZh from '@/modules/plant/locales/zh-CN'
import plantEn from '@/modules/plant/locales/en-US'
import auditZh from '@/modules/audit/locales/zh-CN'
import auditEn from '@/modules/audit/locales/en-US'
import monitoringZh from '@/modules/monitoring/locales/zh-CN'
import monitoringEn from '@/modules/monitoring/locales/en-US'
import basicsZh from '@/modules/basics/locales/zh-CN'
import basicsEn from '@/modules/basics/locales/en-US'
import hazardsZh from '@/modules/hazards/locales/zh-CN'
import hazardsEn from '@/modules/hazards/locales/en-US'
import hazardsRecordsZh from '@/modules/hazards/locales/records.zh-CN'
import hazardsRecordsEn from '@/modules/hazards/locales/records.en-US'
import permitsZh from '@/modules/permits/locales/zh-CN'
import permitsEn from '@/modules/permits/locales/en-US'
import videoZh from '@/modules/video/locales/zh-CN'
import videoEn from '@/modules/video/locales/en-US'
import { mergeMessages } from '@/utils/merge'

export const LOCALES = [
  { code: 'zh-CN', label: '简体中文' },
  { code: 'en-US', label: 'English' },
] as const
export type AppLocale = (typeof LOCALES)[number]['code']

const STORAGE_KEY = 'anguan.locale'
const DEFAULT_LOCALE: AppLocale = 'zh-CN'

export function isAppLocale(value: unknown): value is AppLocale {
  return LOCALES.some((l) => l.code === value)
}

function storedLocale(): AppLocale | null {
  try {
    const value = localStorage.getItem(STORAGE_KEY)
    return isAppLocale(value) ? value : null
  } catch {
    return null
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: storedLocale() ?? DEFAULT_LOCALE,
  fallbackLocale: DEFAULT_LOCALE,
  missingWarn: false,
  fallbackWarn: false,
  messages: {
    'zh-CN': mergeMessages(commonZh, identityZh, plantZh, monitoringZh, hazardsZh, hazardsRecordsZh, permitsZh, videoZh, basicsZh, auditZh),
    'en-US': mergeMessages(commonEn, identityEn, plantEn, monitoringEn, hazardsEn, hazardsRecordsEn, permitsEn, videoEn, basicsEn, auditEn),
  },
})

export function currentLocale(): AppLocale {
  const value = i18n.global.locale.value
  return isAppLocale(value) ? value : DEFAULT_LOCALE
}

function applyLocale(locale: AppLocale): void {
  document.documentElement.lang = locale
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en')
}

/** Switches the UI language and remembers the choice. */
export function setLocale(locale: AppLocale, remember = true): void {
  i18n.global.locale.value = locale
  applyLocale(locale)
  if (remember) {
    try {
      localStorage.setItem(STORAGE_KEY, locale)
    } catch {
      // storage may be unavailable (private mode); the switch still applies
    }
  }
}

/** Uses the user's server-side locale unless the user already chose one on this device. */
export function adoptUserLocale(locale: string | null | undefined): void {
  if (storedLocale() === null && isAppLocale(locale)) setLocale(locale, false)
}

/** Element Plus locale that follows the UI language. */
export const elementLocale = computed(() => (currentLocale() === 'zh-CN' ? elZhCn : elEn))

applyLocale(currentLocale())
