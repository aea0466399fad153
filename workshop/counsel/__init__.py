"""Counselling: a participant's consent, counselling sessions, her follow-up plan and the log of who
read them. Tables and rules only, no Flask views: the instructor's pages are in `teach/`, her own
plan in `learn/`, the coordinator's pages in `admin/`. Counselling data can reveal health, family
and money matters, so nothing here is kept without a recorded consent (`rules.py`)."""
