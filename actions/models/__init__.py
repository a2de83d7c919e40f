"""The actions app's models, one module per part of the design: the delivery ``plan``, the
measures (``kpis``) and their figures, and the young people's ``easyread`` texts."""

from .easyread import EasyReadText, JargonTerm
from .kpis import (
    KPI,
    DfEMapping,
    KPICommentary,
    KPIImport,
    KPIPeriodLock,
    KPIValue,
    KPIValueAmendment,
    LocalAuthority,
    NeighbourModel,
    NeighbourModelUpload,
    StatisticalNeighbour,
)
from .plan import (
    ACTION_EDITABLE_FIELDS,
    DUE_BEFORE_START,
    Action,
    Commitment,
    Milestone,
    MonthEndRating,
    ProgressUpdate,
    Subgroup,
    Theme,
    derived_state,
    rating_reason,
)

__all__ = [
    "ACTION_EDITABLE_FIELDS",
    "DUE_BEFORE_START",
    "KPI",
    "Action",
    "Commitment",
    "DfEMapping",
    "EasyReadText",
    "JargonTerm",
    "KPICommentary",
    "KPIImport",
    "KPIPeriodLock",
    "KPIValue",
    "KPIValueAmendment",
    "LocalAuthority",
    "Milestone",
    "MonthEndRating",
    "NeighbourModel",
    "NeighbourModelUpload",
    "ProgressUpdate",
    "StatisticalNeighbour",
    "Subgroup",
    "Theme",
    "derived_state",
    "rating_reason",
]
