// What other modules use of the video module: the camera list of a place (e.g. a permit's live
// context), the plant map's cameras layer, the API and its types.
export { default as CameraList } from './components/CameraList.vue'
export { default as CameraMapLayer } from './components/CameraMapLayer.vue'
export { default as CameraStatusTag } from './components/CameraStatusTag.vue'
export { videoApi } from './api'
export type { Camera, CameraListItem, CameraNear, CameraNearQuery } from './types'
