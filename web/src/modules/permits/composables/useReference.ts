// The permits reference (GET /permits/reference): work types, 表A.2 grades, signing roles, 表A.4 work
// alarms, TICKET_STATUS, height factors and upgrade causes, read once and shared; labels follow the
// UI language.
import { computed, shallowRef } from 'vue'
import { currentLocale } from '@/i18n'
import { permitsApi } from '../api'
import type { GradeOption, RefOption, Reference } from '../types'

const reference = shallowRef<Reference | null>(null)
let pending: Promise<void> | null = null

function label(o: { zh: string; en: string } | undefined, fallback: string): string {
  if (!o) return fallback
  return currentLocale() === 'zh-CN' ? o.zh : o.en
}

function find(list: RefOption[] | undefined, code: string | null | undefined): RefOption | undefined {
  return code ? list?.find((o) => o.code === code) : undefined
}

export function useReference() {
  function load(): Promise<void> {
    if (reference.value) return Promise.resolve()
    pending ??= permitsApi
      .reference()
      .then((r) => {
        reference.value = r
      })
      .catch(() => undefined)
      .finally(() => {
        pending = null
      })
    return pending
  }

  const workTypes = computed(() => reference.value?.work_types ?? [])

  function workTypeLabel(code: string | null | undefined): string {
    return label(find(reference.value?.work_types, code), code ?? '')
  }

  function gradesOf(workType: string): GradeOption[] {
    return (reference.value?.grades ?? []).filter((g) => g.work_type === workType && g.grade !== null)
  }

  function gradeOption(workType: string, grade: string | null | undefined): GradeOption | undefined {
    return reference.value?.grades.find((g) => g.work_type === workType && (g.grade ?? null) === (grade ?? null))
  }

  /** The 表A.2 label of a (type, grade), e.g. 二级动火作业; the type's label when it has no grades. */
  function gradeLabel(workType: string, grade: string | null | undefined): string {
    const g = gradeOption(workType, grade)
    return g ? label(g, grade ?? '') : grade ?? ''
  }

  function alarmLabel(code: string): string {
    return label(find(reference.value?.alarms, code), code)
  }

  function roleLabel(code: string): string {
    return label(find(reference.value?.roles, code), code)
  }

  function ticketStatusLabel(code: string): string {
    return label(find(reference.value?.ticket_statuses, code), code)
  }

  function causeLabel(code: string): string {
    return label(find(reference.value?.upgrade_causes, code), code)
  }

  const heightFactors = computed(() => reference.value?.height_factors ?? [])

  /** The starting hazard list of a work type (AQ 3064.2-2025 §5.4.1 risk-analysis template). */
  function riskTemplate(workType: string): string[] {
    return reference.value?.risk_templates?.[workType] ?? []
  }

  function optionLabel(o: RefOption): string {
    return label(o, o.code)
  }

  return {
    reference,
    load,
    workTypes,
    heightFactors,
    workTypeLabel,
    gradesOf,
    gradeOption,
    gradeLabel,
    alarmLabel,
    roleLabel,
    ticketStatusLabel,
    causeLabel,
    optionLabel,
    riskTemplate,
  }
}
