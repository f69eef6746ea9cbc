"""Masking of personal data for display: pages show only what they need."""


def mask_id_number(id_number: str) -> str:
    """``130102199003071234`` → ``1301**********1234`` (first 4 and last 4 kept)."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``."""
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str) -> str:
    """``张三`` → ``张*``; ``张小华`` → ``张*华``; ``欧阳明月`` → ``欧**月``."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
