"""Early warning: who needs a call, and why.

Two halves, so that every rule can be tested at its boundaries without a database:

- **Rules** are pure functions over one alumnus's facts (`AlumnusFacts`), the team's settings and
  "today". Each returns the reasons it finds, written as a colleague would say them, each with the
  date its signal began (the first day the rule would have fired, or the first event of the pattern).
- **The loader** (`load_caseload`) gathers the facts of a whole caseload in a handful of set-based
  statements: one row per alumnus carries the plan, the two newest BARC-10 and AWARE results, the last
  conversation, the attempts since, and the recent check-ins packed into one string (see `pack`);
  meetings and returns to use follow in one statement each. Never one query per alumnus (that is the
  baseline in bench/). The check-in parts come from each alumnus's digest (`CheckInDigest`, the same
  SQL run when their check-ins last changed; see `refresh_digests`), or from the check-ins
  themselves when there is none or it holds a check-in dated after today.

Levels (`level_for`):
- **high**: a return to use in the last `recurrence_window_days` (30), or `high_level_signals` (2) or
  more *strong* signals at once;
- **watch**: any other signal;
- **none**: no signal.
Strong signals are about the person: unanswered attempts, missed meetings, low mood, rising cravings,
repeated warning signs, BARC-10 low or falling, AWARE rising. An overdue check-in (the team's own
schedule) and a lapsed mentor contact are signals too, but never make the level high on their own
count. Several reasons of one kind (two warning signs; BARC-10 both low and falling) are one signal.

Only alumni with status "active" that are not archived are assessed. Day arithmetic is in the local
time zone: a check-in logged at 9 pm counts on that evening's date wherever the database keeps UTC.

The modules, in the order they build on each other:

- `facts`: what the rules read (`AlumnusFacts`, packed check-ins, `RuleContext`, a `Caseload`);
- `rules`: signals, reasons and levels, their wording, the rules, `judge` and `assess`;
- `attention_queue`: the queue of a caseload, with its numpy pre-check of who each rule may fire for;
- `mentor_contact`: active mentor pairings and the mentor's last contact;
- `sql_functions`: SQL shared by the statements below (timestamps as seconds or UTC text);
- `digests`: the check-in SQL, and each alumnus's digest of it;
- `loader`: `load_caseload`, the facts of a whole caseload in a handful of statements;
- `history`: one alumnus over time, their facts as of any day;
- `service`: `AttentionService`, what the pages and reports call.
"""

from .attention_queue import AttentionRow, queue
from .digests import keep_digests, refresh_digests, refresh_missing_digests
from .facts import (
    AWARE,
    BARC10,
    AlumnusFacts,
    AssessmentFact,
    Caseload,
    CheckinFact,
    ContactStart,
    MentorFact,
    Person,
    RecurrenceFact,
    RuleContext,
    contact_start,
    day_start,
    local_day,
    pack,
    recent_checkins_kept,
    unpack,
)
from .history import load_history
from .loader import CaseloadFilter, load_caseload
from .mentor_contact import MentorSource, PairingTableSource
from .rules import (
    LEVEL_ORDER,
    Reason,
    Signal,
    assess,
    aware_rising,
    barc10,
    checkin_overdue,
    cravings_rising,
    judge,
    level_for,
    meetings_missed,
    mentor_contact_lapsed,
    mood_below_baseline,
    recent_recurrence,
    slope,
    unanswered_attempts,
    warning_signs,
)
from .service import AttentionService
from .sql_functions import epoch_seconds

__all__ = [
    "AWARE",
    "AlumnusFacts",
    "AssessmentFact",
    "AttentionRow",
    "AttentionService",
    "BARC10",
    "Caseload",
    "CaseloadFilter",
    "CheckinFact",
    "ContactStart",
    "LEVEL_ORDER",
    "MentorFact",
    "MentorSource",
    "PairingTableSource",
    "Person",
    "Reason",
    "RecurrenceFact",
    "RuleContext",
    "Signal",
    "assess",
    "aware_rising",
    "barc10",
    "checkin_overdue",
    "contact_start",
    "cravings_rising",
    "day_start",
    "epoch_seconds",
    "judge",
    "keep_digests",
    "level_for",
    "load_caseload",
    "load_history",
    "local_day",
    "meetings_missed",
    "mentor_contact_lapsed",
    "mood_below_baseline",
    "pack",
    "queue",
    "recent_checkins_kept",
    "recent_recurrence",
    "refresh_digests",
    "refresh_missing_digests",
    "slope",
    "unanswered_attempts",
    "unpack",
    "warning_signs",
]
