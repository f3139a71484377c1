// Video (视频智能分析) routes: the camera registry. AI events and analyzers come later in this group.
import { VideoCamera, VideoCameraFilled } from '@element-plus/icons-vue'
import type { RouteRecordRaw } from 'vue-router'

const group = { group: 'video.menu.group', groupIcon: VideoCameraFilled, permission: 'video.read' }

export const videoRoutes: RouteRecordRaw[] = [
  {
    path: 'video/cameras',
    name: 'video-cameras',
    component: () => import('./views/CamerasView.vue'),
    meta: { title: 'video.menu.cameras', icon: VideoCamera, ...group },
  },
]
