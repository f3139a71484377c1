// The kinds of evaluation report (with their renewal cycle and its basis) and the sources, levels and
// statuses of supervision findings, as the backend declares them (bilingual), loaded once per session.
import { computed, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { recordsApi } from '../recordsApi'
import type { FindingOptions, ReportKind } from '../types'

const kinds = shallowRef<ReportKind[]>([])
const options = shallowRef<FindingOptions>({ sources: [], levels: [], statuses: [] })
let kindsLoading: Promise<void> | null = null
let optionsLoading: Promise<void> | null = null

interface Bilingual {
  zh: string
  en: string
}

export function useRecordOptions() {
  const { locale } = useI18n()
  const zh = computed(() => locale.value !== 'en-US')

  function loadKinds(): Promise<void> {
    kindsLoading ??= recordsApi
      .reportKinds()
      .then((list) => {
        kinds.value = list
      })
      .catch(() => {
        kindsLoading = null
      })
    return kindsLoading
  }

  function loadOptions(): Promise<void> {
    optionsLoading ??= recordsApi
      .findingOptions()
      .then((value) => {
        options.value = value
      })
      .catch(() => {
        optionsLoading = null
      })
    return optionsLoading
  }

  function label(item: Bilingual | null | undefined): string {
    if (!item) return ''
    return zh.value ? item.zh : item.en
  }

  const kindByCode = computed(() => new Map(kinds.value.map((k) => [k.kind, k])))

  /** The label of a report kind (the code when unknown). */
  function kindLabel(code: string): string {
    const k = kindByCode.value.get(code)
    return k ? label(k) : code
  }

  /** The label of a finding's source, level or status (the code when unknown). */
  function optionLabel(group: keyof FindingOptions, code: string | null | undefined): string {
    if (!code) return ''
    const o = options.value[group].find((x) => x.code === code)
    return o ? label(o) : code
  }

  return { kinds, options, kindByCode, loadKinds, loadOptions, label, kindLabel, optionLabel }
}
