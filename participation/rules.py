"""Who may do what in participation and the Independent Visitor service.

Every role reads participation and the aggregate figures; participation officers (and
administrators) write sessions and feedback. Child-level IV records are for IV
coordinators and administrators only.
"""

import rules

from actions.roles import has_any_role, is_administrator, is_iv_coordinator, is_participation_officer

can_read_participation = has_any_role
can_log_participation = is_participation_officer | is_administrator
can_manage_iv = is_iv_coordinator | is_administrator
can_see_figures = has_any_role
# Whose queue young people's messages are: the officer's menu counts what waits (administrators
# may open the queue too, through log_participation, but do not answer it day to day).
can_watch_messages = is_participation_officer

rules.add_perm("participation.read_participation", can_read_participation)
rules.add_perm("participation.log_participation", can_log_participation)
rules.add_perm("participation.manage_iv", can_manage_iv)
rules.add_perm("participation.see_figures", can_see_figures)
rules.add_perm("participation.watch_messages", can_watch_messages)
