"""Online monitoring and alarm management (在线监测预警)."""
