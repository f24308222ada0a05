"""Thresholds of the networking checks (documented in docs/eval-scoring.md)."""

from __future__ import annotations

NEAR_COPY_RATIO = 0.8
MIN_SPECIFIC_WORDS = 2
MIN_OWN_WORDS = 3
MIN_CONCRETE_WORDS = 6
MAX_OUTREACH_WORDS = 120
MIN_VALUE_PROPOSITION_WORDS = 6
MIN_RESEARCH_WORDS = 3
MIN_RESEARCH_STEMS = 1
MIN_THANK_YOU_WORDS = 5
MIN_TRACKING_FIELDS = 3
