"""Safety master data (安全管理基础信息): licences, processes and chemicals, equipment and safety
devices, people and certificates, third parties, reminders (issue 4)."""
