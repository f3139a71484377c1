// One ECharts instance bound to an element for the component's lifetime: created on mount,
// resized with its container, disposed on unmount.
import { onBeforeUnmount, onMounted, shallowRef, type Ref } from 'vue'
import { echarts, type ChartOption } from '../charts'

/** `el` is the template ref of the chart's element (useTemplateRef). */
export function useChart(el: Readonly<Ref<HTMLElement | null>>, onReady?: (chart: echarts.ECharts) => void) {
  const chart = shallowRef<echarts.ECharts | null>(null)
  let observer: ResizeObserver | null = null
  let pending: { option: ChartOption; replace: boolean } | null = null

  function setOption(option: ChartOption, replace = false): void {
    if (chart.value) chart.value.setOption(option, { notMerge: replace, lazyUpdate: true })
    else pending = { option, replace }
  }

  onMounted(() => {
    if (!el.value) return
    const instance = echarts.init(el.value, undefined, { renderer: 'canvas' })
    chart.value = instance
    if (pending) instance.setOption(pending.option, { notMerge: pending.replace })
    pending = null
    observer = new ResizeObserver(() => instance.resize())
    observer.observe(el.value)
    onReady?.(instance)
  })

  onBeforeUnmount(() => {
    observer?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })

  return { chart, setOption }
}
