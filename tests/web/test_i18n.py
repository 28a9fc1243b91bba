"""One catalogue: every key in every language, every key the pages use exists, and no
words are written into the templates themselves."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.attachments import AttachmentKind
from domain.customers import CustomerPatchIn, Source
from domain.customers_follow_up import Way
from domain.models import CauseCategory, Channel, Decision, Gate, Level, Role, Stage, TaskSource
from domain.risk import RiskCategory, RiskResponse, RiskStatus
from domain.service_models import ComplaintStatus, RevisitStatus
from jindu.i18n import LANGUAGES, MissingMessage, catalogue, has, keys, pick_language, t
from store.action_links import ACTIONS as LINK_ACTIONS
from store.contacts import CHANNELS
from store.deliveries import STATES as DELIVERY_STATES
from web.errors import FIELD_TYPES
from web.routes.admin import USER_ACTIONS
from web.routes.dashboard import CHARTED, GROUPINGS
from web.routes.notifications import CHANNELS as NOTICE_CHANNELS
from web.service_forms import COMPLAINT_ACTIONS
from web.views import DONE_KEYS, LIFECYCLE, OPERATOR_FORMS

TEMPLATES = Path(__file__).parents[2] / "web" / "templates"
STATIC_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_.]+)['"]""")
PENDING_KINDS = ("assessment", "approval", "plan", "results", "rectification", "acceptance", "warning_analysis")
INBOX_KINDS = (*PENDING_KINDS, "complaint", "revisit", "risk_review")
EVENTS = ("intake", "assessment", "decision", "plan_submitted", "weekly_report", "weekly_report_missed",
          "results_submitted", "task_created", "task_completed", "objection", "accepted", "archived", "completed",
          "declined", "cancelled", "stage_changed", "reminder", "escalation", "warning_raised", "warning_analysed",
          "warning_cleared", "kpis_updated", "customer_data_disposed", "reassigned", "deadline_extended",
          "calendar_published", "complaint_tasks", "risk_added", "risk_updated", "risk_occurred", "risk_closed",
          # complaints and revisits (docs/service.md)
          "filed", "replied", "tasks_opened", "tasks_not_opened", "confirmed", "closed", "reopened", "rating_sent",
          "rated", "satisfaction_warning", "revisit_scheduled", "revisit_opened", "revisit_done")
FORMS = ("assessment", "plan", "decision", "report", "results", "acceptance", "warning_analysis", "cancel",
         *OPERATOR_FORMS)


def test_every_language_has_the_same_keys():
    zh = keys("zh")
    assert len(zh) > 250
    for lang in LANGUAGES:
        assert keys(lang) == zh, sorted(keys(lang) ^ zh)
        assert all(value.strip() for value in catalogue(lang).values())


def test_every_key_a_template_names_exists():
    used = {key for path in TEMPLATES.rglob("*.html") for key in STATIC_KEY.findall(path.read_text("utf-8"))}
    static = {key for key in used if not key.endswith((".", "_"))}
    assert len(static) > 120
    missing = sorted(key for key in static if not has(key))
    assert not missing, missing


FAMILIES = {
    "web.stage.": [s.value for s in Stage] + list(LIFECYCLE),
    "web.role.": [r.value for r in Role],
    "web.level.": [lv.value for lv in Level],
    "web.gate.": [g.value for g in Gate],
    "web.decision.": [d.value for d in Decision],
    "web.channel.": [c.value for c in Channel],
    "web.channel_kind.": list(CHANNELS),
    "web.cause.": [c.value for c in CauseCategory],
    "web.source.": [s.value for s in TaskSource],
    "web.pending.": list(PENDING_KINDS),
    "web.kind.": list(INBOX_KINDS),
    "web.event.": list(EVENTS),
    "web.rating.": ["1", "2", "3", "4", "5"],
    "files.kind.": [k.value for k in AttachmentKind],
    "web.lang.": list(LANGUAGES),
    "web.done.": sorted(DONE_KEYS),
    "web.users.done.": ["deactivate", "reactivate", "rotate", "link", "signout"],
    "staff.done.": ["created", "moved", "department"],
    "web.users.secret.": ["rotate", "link"],
    "web.kpi.": list(CHARTED),
    "web.kpi.by.": list(GROUPINGS),
    "web.errors.field.": list(FIELD_TYPES),
    "web.errors.code.": ["unauthorized", "forbidden", "not_found", "wrong_stage", "already_decided", "conflict",
                         "invalid", "unavailable", "internal"],
    "web.form.intake.customer_": ["name", "phone", "email", "company", "user"],
    "web.form.assessment.": ["difficulty", "risk_level"],
    "web.complaint.status.": [s.value for s in ComplaintStatus],
    "web.complaint.yes_no.": ["true", "false"],
    "web.complaint.satisfied.": ["true", "false"],
    "web.complaint.form.": list(COMPLAINT_ACTIONS),
    "web.complaint.contact_": ["name", "phone", "email"],
    "web.revisit.status.": [s.value for s in RevisitStatus],
    "web.suggestion.decided.": ["true", "false"],
    "web.suggestion.filter.": ["undecided", "adopted", "not_adopted"],
    "web.suggestion.source.": ["complaint", "revisit"],
    "web.pending.complaint_": ["reply", "confirmation"],
    "web.target.": ["pending", "warning_analysis", "task"],
    "web.risk_category.": [c.value for c in RiskCategory],
    "web.risk_response.": [r.value for r in RiskResponse],
    "web.risk_status.": [s.value for s in RiskStatus],
    "notify.gate.": [g.value for g in Gate],
    "act.title.": list(LINK_ACTIONS),
    "act.confirm.": list(LINK_ACTIONS),
    "act.done.": list(LINK_ACTIONS),
    "act.process.title.": list(LINK_ACTIONS),
    "act.process.done.": list(LINK_ACTIONS),
    "notices.state.": list(DELIVERY_STATES),
    "notices.channel.": list(NOTICE_CHANNELS),
    "customer.web.way.": [w.value for w in Way],
    "customer.web.source.": [s.value for s in Source],
    "customer.web.form.": ["follow_up", "claim", "transfer", "deal", "confirm_deal", "edit", "consent", "share"],
    "customer.web.done.": ["registered", "follow_up", "claimed", "transferred", "deal", "edit", "consent", "share",
                           "confirm_deal"],
    "customer.web.change.": ["created", "updated", "consent", "shared", "owner_changed", "claimed", "escalated",
                             "followed_up", "following", "pooled", "regraded", "reminded"],
    "customer.web.field.": list(CustomerPatchIn.model_fields),
}


@pytest.mark.parametrize("prefix", sorted(FAMILIES))
def test_every_key_built_from_a_value_exists(prefix):
    missing = [prefix + v for v in FAMILIES[prefix] if not has(prefix + v)]
    assert not missing
    assert all(has(f"web.form.{name}.title") for name in FORMS)
    assert set(USER_ACTIONS) == set(FAMILIES["web.users.done."])


def test_every_dynamic_prefix_in_templates_is_covered():
    used = {key for path in TEMPLATES.rglob("*.html") for key in STATIC_KEY.findall(path.read_text("utf-8"))}
    prefixes = {key for key in used if key.endswith((".", "_"))} - {"web.form."}  # web.form.<name>.title: FORMS above
    assert prefixes <= set(FAMILIES), prefixes - set(FAMILIES)


def test_templates_carry_no_words_of_their_own():
    """Strip Jinja, tags and entities: what is left must be punctuation and spacing."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text("utf-8")
        text = re.sub(r"\{#.*?#\}|\{%.*?%\}|\{\{.*?\}\}", " ", text, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", text)
        words = re.findall(r"[A-Za-z\u4e00-\u9fff]{2,}", text)
        assert not words, f"{path.name}: {words}"


def test_t_formats_parameters_and_refuses_unknown_keys():
    assert t("web.inbox.due", when="12-03 18:00") == "截止 12-03 18:00"
    assert t("web.inbox.due", "en", when="12-03") == "due 12-03"
    assert t("web.stage.execution", "fr") == "业务操作"
    with pytest.raises(MissingMessage):
        t("web.no.such.key")
    assert pick_language("en-US") == "en" and pick_language("de", None) == "zh" and pick_language("zh_CN") == "zh"
