"""Anguan (安管): safety-risk control platform for hazardous-chemical enterprises."""

__version__ = "0.1.0"
