// A colour per workflow state for the map's markers and legend: live work in strong colours (作业中
// green, 已暂停 red, 待验收 purple), work not started in blues and yellows, closed permits in greys.
export const STATE_HEX: Record<string, string> = {
  draft: '#a8abb2',
  booked: '#c9a227',
  booking_approved: '#8cc5ff',
  applying: '#409eff',
  signing: '#e6a23c',
  issued: '#2a9d8f',
  in_progress: '#529b2e',
  paused: '#e03b3b',
  acceptance_pending: '#8e5cc7',
  accepted: '#73767a',
  revoked: '#c8c9cc',
  voided: '#c8c9cc',
  closed_for_reissue: '#c8c9cc',
}

export function stateHex(state: string): string {
  return STATE_HEX[state] ?? '#909399'
}
