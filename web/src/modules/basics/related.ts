// Which registers are listed in a record's drawer, by the field that points back at it; `prefill`
// adds values a new related row needs (a contractor's worker is of kind "contractor").
export interface Related {
  register: string
  field: string
  prefill?: Record<string, unknown>
}

export const RELATED: Record<string, Related[]> = {
  people: [
    { register: 'certificates', field: 'person_id' },
    { register: 'trainings', field: 'person_id' },
  ],
  equipment: [{ register: 'equipment-checks', field: 'equipment_id' }],
  processes: [{ register: 'startstops', field: 'process_id' }],
  contractors: [{ register: 'people', field: 'contractor_id', prefill: { kind: 'contractor' } }],
}
