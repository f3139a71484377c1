// A short success toast: a permit's page confirms many small steps in a row (the page itself shows
// the result), so the toasts go quickly and do not pile up over the header.
import { ElMessage } from 'element-plus'

export function toastDone(message: string): void {
  ElMessage.success({ message, duration: 1500, grouping: true })
}
