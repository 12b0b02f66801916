"""Kept for imports written before the policy moved to the ground floor: who may act as ANPP staff
is answered by anpp_portal/staffpolicy.py, which every app (billing included) may import."""

from anpp_portal.staffpolicy import (  # noqa: F401
    STAFF_GROUP,
    StaffMfaMiddleware,
    has_totp,
    mfa_overdue,
    staff_permission_required,
)
