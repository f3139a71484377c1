"""Video intelligent analysis (视频智能分析): the camera registry other modules bind to."""
