// Register metadata (GET /basics/registers), loaded once per session, with the bilingual labels
// of registers, fields and enum options in the current UI language.
import { computed, shallowRef } from 'vue'
import { useI18n } from 'vue-i18n'
import { basicsApi } from '../api'
import type { FieldMeta, FieldOption, RegisterMeta } from '../types'

const registers = shallowRef<RegisterMeta[]>([])
let loading: Promise<RegisterMeta[]> | null = null

/** Loads the metadata once; later calls share the same answer. */
export function loadRegisters(): Promise<RegisterMeta[]> {
  loading ??= basicsApi
    .registers()
    .then((list) => {
      registers.value = list
      return list
    })
    .catch((error: unknown) => {
      loading = null
      throw error
    })
  return loading
}

interface Bilingual {
  zh: string
  en: string
}

export function useRegisters() {
  const { locale } = useI18n()
  const zh = computed(() => locale.value !== 'en-US')

  const byName = computed(() => new Map(registers.value.map((r) => [r.name, r])))

  function label(item: Bilingual | null | undefined): string {
    if (!item) return ''
    return zh.value ? item.zh : item.en
  }

  function field(register: RegisterMeta | null | undefined, key: string): FieldMeta | undefined {
    return register?.fields.find((f) => f.key === key)
  }

  function fieldLabel(register: RegisterMeta | null | undefined, key: string): string {
    const f = field(register, key)
    return f ? label(f) : key
  }

  function option(f: FieldMeta, code: unknown): FieldOption | undefined {
    return f.options?.find((o) => o.code === code)
  }

  /** The label of an enum code in the current language (the code itself when unknown). */
  function optionLabel(f: FieldMeta, code: unknown): string {
    const o = option(f, code)
    return o ? label(o) : String(code ?? '')
  }

  return { registers, byName, label, field, fieldLabel, optionLabel, load: loadRegisters }
}
