"""Versioned reference data for plant rules."""

from __future__ import annotations

# GB 32100-2015 统一社会信用代码: character set (no I, O, Z, S, V) and position weights.
USCC_VERSION = "gb32100-2015/v1"
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

AREA_KINDS = (
    "tank_farm",
    "dike",
    "process_unit",
    "warehouse",
    "control_room",
    "office",
    "road",
    "gate",
    "utility",
    "loading",
    "other",
)

# Map fill colours per area kind (the risk colour of later modules is drawn over these).
AREA_COLOURS = {
    "tank_farm": "#5b8ff9",
    "dike": "#8c8c8c",
    "process_unit": "#f6bd16",
    "warehouse": "#9270ca",
    "control_room": "#5ad8a6",
    "office": "#6dc8ec",
    "road": "#bfbfbf",
    "gate": "#ff9d4d",
    "utility": "#269a99",
    "loading": "#ff99c3",
    "other": "#d9d9d9",
}
