"""Special work permits (特殊作业许可与作业过程管理) per GB 30871-2022 and AQ 3064.2-2025 (issue 6)."""
