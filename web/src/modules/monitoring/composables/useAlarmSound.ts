// Audible cue for new high and urgent alarms (Web Audio API oscillator, no audio files).
// Browsers refuse to start audio before the user interacts with the page (autoplay policy): the
// AudioContext is created on the first pointer or key press anywhere in the app ("armed").
// Mute is remembered per browser.
import { readonly, ref } from 'vue'

const MUTE_KEY = 'anguan.alarmMuted'

let context: AudioContext | null = null
const armed = ref(false)
const muted = ref(readMuted())
let listening = false

function readMuted(): boolean {
  try {
    return localStorage.getItem(MUTE_KEY) === '1'
  } catch {
    return false
  }
}

function arm(): void {
  if (context) {
    if (context.state === 'suspended') void context.resume()
    return
  }
  try {
    context = new AudioContext()
  } catch {
    return // no Web Audio (very old browser): stay silent, the visual cue remains
  }
  const ctx = context
  const update = () => (armed.value = ctx.state === 'running')
  ctx.addEventListener('statechange', update)
  if (ctx.state === 'suspended') void ctx.resume().then(update)
  update()
  window.removeEventListener('pointerdown', arm, true)
  window.removeEventListener('keydown', arm, true)
}

function listen(): void {
  if (listening || typeof window === 'undefined') return
  listening = true
  window.addEventListener('pointerdown', arm, true)
  window.addEventListener('keydown', arm, true)
}

/** Pattern per priority: urgent three high tones, high two lower tones. */
const PATTERNS: Record<string, { freq: number; beeps: number }> = {
  urgent: { freq: 1200, beeps: 3 },
  high: { freq: 880, beeps: 2 },
}

function tone(ctx: AudioContext, start: number, freq: number, seconds: number): void {
  const osc = ctx.createOscillator()
  const gain = ctx.createGain()
  osc.type = 'square'
  osc.frequency.value = freq
  // short ramps avoid clicks
  gain.gain.setValueAtTime(0.0001, start)
  gain.gain.exponentialRampToValueAtTime(0.2, start + 0.01)
  gain.gain.setValueAtTime(0.2, start + seconds - 0.02)
  gain.gain.exponentialRampToValueAtTime(0.0001, start + seconds)
  osc.connect(gain).connect(ctx.destination)
  osc.start(start)
  osc.stop(start + seconds + 0.01)
}

let lastBeep = 0

/** Plays the cue for a priority (nothing for medium/low, when muted, or before arming). */
function beep(priority: string): boolean {
  const pattern = PATTERNS[priority]
  if (!pattern || muted.value || !context || context.state !== 'running') return false
  const now = context.currentTime
  // an alarm flood must not turn into a continuous tone: at most one cue per 1.5 s
  if (now - lastBeep < 1.5) return false
  lastBeep = now
  for (let i = 0; i < pattern.beeps; i += 1) tone(context, now + i * 0.25, pattern.freq, 0.15)
  return true
}

function setMuted(value: boolean): void {
  muted.value = value
  try {
    localStorage.setItem(MUTE_KEY, value ? '1' : '0')
  } catch {
    // storage unavailable: the choice lasts for this page only
  }
  if (!value) arm()
}

export function useAlarmSound() {
  listen()
  return { armed: readonly(armed), muted: readonly(muted), setMuted, beep, arm }
}
