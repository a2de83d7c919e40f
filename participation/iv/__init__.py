"""The Independent Visitor service: volunteers, referrals, matches and visits.

Its models live in ``participation.models.iv``, where the migrations need them.
"""
